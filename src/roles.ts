/** Role ids as in contracts/libraries/Roles.sol: a role is a bit in a member's 16-bit role set. */
export const ROLES = {
  MANUFACTURER: 0,
  DISTRIBUTOR: 1,
  CARRIER: 2,
  HOSPITAL: 3,
  REGULATOR: 4,
  INSURER: 5,
  ASSET_OPERATOR: 6,
  GRID_OPERATOR: 7,
  DEVICE_MANAGER: 8,
  INVESTOR: 9,
  PATIENT: 10,
  KYC_PROVIDER: 11,
} as const;

export type RoleName = keyof typeof ROLES;

export const ROLE_NAMES = Object.keys(ROLES) as RoleName[];

/** Member status as in IConsortium.Status. */
export const STATUS = ["None", "Active", "Suspended", "Removed"] as const;
export type StatusName = (typeof STATUS)[number];

/** Proposal kinds as in IConsortium.ProposalKind. */
export const PROPOSAL_KIND = {
  Admit: 0,
  SetRoles: 1,
  Suspend: 2,
  Reinstate: 3,
  Remove: 4,
  SetQuorum: 5,
  SetVotingPeriod: 6,
  Upgrade: 7,
  CancelUpgrade: 8,
  Unpause: 9,
  SetUpgradeDelay: 10,
} as const;
export type ProposalKindName = keyof typeof PROPOSAL_KIND;

export const PROPOSAL_STATE = ["None", "Open", "Executed", "Defeated", "Expired", "Cancelled"] as const;

export function isRoleName(name: string): name is RoleName {
  return Object.prototype.hasOwnProperty.call(ROLES, name);
}

/** Parses a comma-separated role list (e.g. `HOSPITAL,DISTRIBUTOR`); unknown names throw with the valid ones. */
export function parseRoles(list: string): RoleName[] {
  return list.split(",").map((raw) => {
    const name = raw.trim().toUpperCase();
    if (!isRoleName(name)) throw new Error(`unknown role "${raw}" (valid: ${ROLE_NAMES.join(", ")})`);
    return name;
  });
}

/** The role bit set of a list of role names; unknown names throw with the list of valid ones. */
export function roleMask(names: readonly string[]): number {
  let mask = 0;
  for (const raw of names) {
    const name = raw.trim().toUpperCase();
    if (!isRoleName(name)) throw new Error(`unknown role "${raw}" (valid: ${ROLE_NAMES.join(", ")})`);
    mask |= 1 << ROLES[name];
  }
  return mask;
}

/** The role names in a role bit set. */
export function roleNames(mask: number | bigint): RoleName[] {
  const m = Number(mask);
  return ROLE_NAMES.filter((n) => (m & (1 << ROLES[n])) !== 0);
}
