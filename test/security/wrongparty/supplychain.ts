import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { makeSscc } from "../../../src/gs1";
import { cbv, itemKeyOf, textHash } from "../../../src/supplychain";
import { GTIN, SSCC, deploySupplyChainFixture, shipment } from "../../fixtures/supplychain";
import type { WrongPartyCall, WrongPartyTarget } from "../wrongparty";

const h = textHash;
const LOC = textHash("dock 1");

/** Acme's items P1..P3 (per-item lot); P1 shipped to Northside, P2 sold by Corner Pharmacy, P3 on Acme's pallet. */
async function custodyFixture() {
  const f = await deploySupplyChainFixture();
  const { sc, actors, orgIds, perItemLotId } = f;
  const m = sc.connect(actors.manufacturer);
  await m.shipItem(perItemLotId, h("P1"), [], shipment(orgIds.hospital));
  await m.shipItem(perItemLotId, h("P2"), [], shipment(orgIds.pharmacy));
  await sc.connect(actors.pharmacy).receiveItem(perItemLotId, h("P2"), true, LOC, LOC);
  await sc.connect(actors.pharmacy).decommission(perItemLotId, h("P2"), [], cbv("retail_selling"), LOC);
  await m.packItems(SSCC, perItemLotId, [h("P3")], [], []);
  return f;
}

async function call(
  build: (f: Awaited<ReturnType<typeof custodyFixture>>) => Omit<WrongPartyCall, "contract" | "consortium">,
): Promise<WrongPartyCall> {
  const f = await loadFixture(custodyFixture);
  return { contract: f.sc, consortium: f.consortium, ...build(f) };
}

/**
 * SupplyChain: a product and its lots belong to their manufacturer; an item or pallet to its custodian (the named
 * receiver takes it); a decommission to the organisation that made it. A REGULATOR (or a guardian contract) acts on
 * any lot, pallet or clone report by office.
 */
export const target: WrongPartyTarget = {
  contractName: "SupplyChain",
  async load() {
    return (await loadFixture(custodyFixture)).sc;
  },
  functions: {
    "registerProduct(uint64,bytes32)": { exempt: "creates a new product owned by the caller's own organisation" },
    "commissionLot((uint64,bytes32,uint64,bytes32,bytes32,uint32,bytes32[]))": {
      rule: "a GTIN registered by Acme; only its manufacturer commissions lots of it",
      setup: () =>
        call((f) => ({
          caller: f.actors.manufacturer2,
          role: "MANUFACTURER",
          args: [f.lotInput("SQUAT", f.tree.root, 64)],
          error: "SupplyChainNotProductManufacturer",
          errorArgs: [GTIN, f.orgIds.manufacturer2],
        })),
    },
    "registerItem(bytes32,bytes32)": {
      rule: "a per-item lot of Acme; only its manufacturer adds items",
      setup: () =>
        call((f) => ({
          caller: f.actors.manufacturer2,
          role: "MANUFACTURER",
          args: [f.perItemLotId, h("FAKE")],
          error: "SupplyChainNotLotManufacturer",
          errorArgs: [f.perItemLotId, f.orgIds.manufacturer2],
        })),
    },
    "registerItems(bytes32,bytes32[])": {
      rule: "a per-item lot of Acme; only its manufacturer adds items",
      setup: () =>
        call((f) => ({
          caller: f.actors.manufacturer2,
          role: "MANUFACTURER",
          args: [f.perItemLotId, [h("FAKE")]],
          error: "SupplyChainNotLotManufacturer",
          errorArgs: [f.perItemLotId, f.orgIds.manufacturer2],
        })),
    },
    "shipItem(bytes32,bytes32,bytes32[],(uint32,uint32,bytes32,bytes32,bytes32,bytes32))": {
      rule: "a Merkle-lot item in Acme's custody; only its custodian ships it",
      setup: () =>
        call((f) => ({
          caller: f.actors.distributor,
          role: "DISTRIBUTOR",
          args: [f.lotId, h("SN0001"), f.tree.proof("SN0001"), shipment(f.orgIds.hospital)],
          error: "SupplyChainNotHolder",
          errorArgs: [itemKeyOf(f.lotId, "SN0001"), f.orgIds.distributor],
        })),
    },
    "receiveItem(bytes32,bytes32,bool,bytes32,bytes32)": {
      rule: "an item shipped to Northside Hospital; only the named receiver takes it",
      setup: () =>
        call((f) => ({
          caller: f.actors.pharmacy,
          role: "HOSPITAL",
          args: [f.perItemLotId, h("P1"), true, LOC, LOC],
          error: "SupplyChainNotReceiver",
          errorArgs: [itemKeyOf(f.perItemLotId, "P1"), f.orgIds.pharmacy],
        })),
    },
    "packItems(uint64,bytes32,bytes32[],bytes32[],bool[])": {
      rule: "items in Acme's custody; only their custodian packs them",
      setup: () =>
        call((f) => {
          const mp = f.tree.multiProof(["SN0001"]);
          return {
            caller: f.actors.distributor,
            role: "DISTRIBUTOR",
            args: [BigInt(makeSscc("00401234500000093")), f.lotId, mp.serialHashes, mp.proof, mp.proofFlags],
            error: "SupplyChainNotHolder",
            errorArgs: [itemKeyOf(f.lotId, "SN0001"), f.orgIds.distributor],
          };
        }),
    },
    "unpackItems(uint64,bytes32,bytes32[])": {
      rule: "a pallet in Acme's custody; only its custodian unpacks it",
      setup: () =>
        call((f) => ({
          caller: f.actors.distributor,
          role: "DISTRIBUTOR",
          args: [SSCC, f.perItemLotId, [h("P3")]],
          error: "SupplyChainPalletNotHolder",
          errorArgs: [SSCC, f.orgIds.distributor],
        })),
    },
    "shipPallet(uint64,(uint32,uint32,bytes32,bytes32,bytes32,bytes32))": {
      rule: "a pallet in Acme's custody; only its custodian ships it",
      setup: () =>
        call((f) => ({
          caller: f.actors.carrier,
          role: "CARRIER",
          args: [SSCC, shipment(f.orgIds.hospital)],
          error: "SupplyChainPalletNotHolder",
          errorArgs: [SSCC, f.orgIds.carrier],
        })),
    },
    "receivePallet(uint64,bytes32,bytes32)": {
      rule: "a pallet shipped to Northside Hospital; only the named receiver takes it",
      async setup() {
        const f = await loadFixture(custodyFixture);
        await f.sc.connect(f.actors.manufacturer).shipPallet(SSCC, shipment(f.orgIds.hospital));
        return {
          contract: f.sc,
          consortium: f.consortium,
          caller: f.actors.pharmacy,
          role: "HOSPITAL",
          args: [SSCC, LOC, LOC],
          error: "SupplyChainPalletNotReceiver",
          errorArgs: [SSCC, f.orgIds.pharmacy],
        };
      },
    },
    "decommission(bytes32,bytes32,bytes32[],bytes32,bytes32)": {
      rule: "a Merkle-lot item in Acme's custody; only a dispenser holding it sells or dispenses it",
      setup: () =>
        call((f) => ({
          caller: f.actors.hospital,
          role: "HOSPITAL",
          args: [f.lotId, h("SN0002"), f.tree.proof("SN0002"), cbv("dispensing"), LOC],
          error: "SupplyChainNotHolder",
          errorArgs: [itemKeyOf(f.lotId, "SN0002"), f.orgIds.hospital],
        })),
    },
    "undoDecommission(bytes32,bytes32)": {
      rule: "a pack Corner Pharmacy sold; only the organisation that decommissioned it undoes it",
      setup: () =>
        call((f) => ({
          caller: f.actors.hospital,
          role: "HOSPITAL",
          args: [f.perItemLotId, h("P2")],
          error: "SupplyChainNotDecommissioner",
          errorArgs: [itemKeyOf(f.perItemLotId, "P2"), f.orgIds.hospital],
        })),
    },
    "reportItem(bytes32,bytes32,bytes32[],uint8,bytes32)": {
      rule: "an item Acme owns and holds; only its holder or owner reports it stolen or destroyed",
      setup: () =>
        call((f) => ({
          caller: f.actors.distributor,
          role: "DISTRIBUTOR",
          args: [f.lotId, h("SN0003"), f.tree.proof("SN0003"), 6, h("stolen?")],
          error: "SupplyChainNotHolder",
          errorArgs: [itemKeyOf(f.lotId, "SN0003"), f.orgIds.distributor],
        })),
    },
    "recallLot(bytes32,bytes32)": {
      rule: "a lot of Acme; only its manufacturer (or a REGULATOR) recalls it",
      setup: () =>
        call((f) => ({
          caller: f.actors.manufacturer2,
          role: "MANUFACTURER",
          args: [f.lotId, h("recall")],
          error: "SupplyChainNotLotManufacturer",
          errorArgs: [f.lotId, f.orgIds.manufacturer2],
        })),
    },
    "setGuardian(address,bool)": { exempt: "a REGULATOR's decision for the whole system: no member-owned object" },
    "quarantineLot(bytes32,bytes32)": {
      exempt: "a REGULATOR (or a guardian contract the regulator allowed) acts on any lot by office",
    },
    "releaseLot(bytes32,bytes32)": { exempt: "a REGULATOR's decision on any lot, by office" },
    "destroyLot(bytes32,bytes32)": { exempt: "a REGULATOR's decision on any lot, by office" },
    "setPalletQuarantine(uint64,bool,bytes32)": {
      exempt: "a REGULATOR (or a guardian contract for quarantine) acts on any pallet by office",
    },
    "decideCloneReport(bytes32,bytes32,bool,bytes32)": {
      exempt: "a REGULATOR's decision on a clone report, by office: the report itself blocks nothing",
    },
    "initialize()": { exempt: "runs once inside the proxy's constructor and refuses every later call" },
    "pauseDomain(string)": { exempt: "any active REGULATOR stops the whole domain by office: no member-owned object" },
    "unpauseDomain(uint256)": { exempt: "only the consortium, executing an unpause vote: no member-owned object" },
    "upgradeToAndCall(address,bytes)": {
      exempt: "only the consortium, applying a voted and delayed upgrade: no member-owned object",
    },
  },
};
