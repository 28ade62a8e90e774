import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The whole citychain system as one Ignition module: futures are named like their contracts
 * (`CityChain#Consortium`, …), which is how tasks and the web app find them.
 * Parameters are produced by src/deploy/parameters.ts from ignition/parameters/<network>.json.
 */
export default buildModule("CityChain", (m) => {
  const consortium = m.contract("Consortium", [
    m.getParameter("founders"),
    m.getParameter("quorumBps", 5001),
    m.getParameter("votingPeriod", 7 * 24 * 3600),
  ]);
  const settlementToken = m.contract("SettlementToken", [
    m.getParameter("tokenName", "City EUR"),
    m.getParameter("tokenSymbol", "cEUR"),
    m.getParameter("tokenDecimals", 2),
    m.getParameter("tokenIssuer"),
  ]);
  return { consortium, settlementToken };
});
