import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The consortium with its founding organisations. Parameters (ignition/parameters/<network>.json):
 * `founders` (name, metadataHash, roles bit set, account), `quorumBps`, `votingPeriod`.
 */
export default buildModule("Consortium", (m) => {
  const founders = m.getParameter("founders");
  const quorumBps = m.getParameter("quorumBps", 5001);
  const votingPeriod = m.getParameter("votingPeriod", 7 * 24 * 3600);
  const consortium = m.contract("Consortium", [founders, quorumBps, votingPeriod]);
  return { consortium };
});
