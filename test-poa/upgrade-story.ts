/**
 * Run by test-poa/deploy.test.ts with `hardhat run --network poa`: on the Ignition deployment named by
 * CITYCHAIN_DEPLOYMENT_ID, the manufacturer puts a lot through the supply chain, the regulator files the upgrade
 * of SupplyChain to the test-only version 2 (contracts/mocks/upgrades/DomainsV2.sol) with `city:propose-upgrade`,
 * the members vote it, wait out the governance delay on the chain's real clock and apply it. It prints one JSON line (`UPGRADE_STORY {…}`) with what was read before and
 * after, which the test compares.
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import type { Consortium, SupplyChain } from "../typechain-types";
import { CITY_ORGANISATIONS, type OrganisationKey, cityActors } from "../src/city";
import { applyUpgrade, voteUntilClosed } from "../src/consortium";
import { implementationOf } from "../src/deploy/proxy";
import { findRevertData } from "../src/stack/revert";
import { DEPLOYED_ADDRESSES } from "../src/deployments";
import type { ProposedUpgrade } from "../src/upgrades";
import { cbv, commissionLot, textHash, verifyCode } from "../src/supplychain";

const GTIN = "04012345000016";
const LOT = "UPG-26A";
const EXPIRY = "281231";
const SERIALS = Array.from({ length: 32 }, (_, i) => `UP${String(i + 1).padStart(4, "0")}`);

async function main(): Promise<void> {
  const id = process.env.CITYCHAIN_DEPLOYMENT_ID;
  if (!id) throw new Error("CITYCHAIN_DEPLOYMENT_ID names the deployment to upgrade");
  const file = path.join(__dirname, "..", "ignition", "deployments", id, DEPLOYED_ADDRESSES);
  const addresses = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  const actors = await cityActors(hre);
  const consortium = (await hre.ethers.getContractAt(
    "Consortium",
    addresses["CityChain#Consortium"],
  )) as unknown as Consortium;
  const proxy = addresses["CityChain#SupplyChain"];
  const sc = (await hre.ethers.getContractAt("SupplyChain", proxy)) as unknown as SupplyChain;

  // Version 1: a product, a lot of 32 serials, one item brought to life and shipped to the distributor.
  await (await sc.connect(actors.manufacturer).registerProduct(GTIN, textHash("upgrade story leaflet"))).wait();
  const { lotId, tree } = await commissionLot(
    sc,
    actors.manufacturer,
    { gtin: GTIN, lot: LOT, expiry: EXPIRY, serials: SERIALS },
    { origin: "urn:epc:id:sgln:4012345.00001.0" },
  );
  const serial = SERIALS[3];
  const distributor = Number(await consortium.memberOf(actors.distributor.address));
  const shipment = {
    receiver: distributor,
    newOwner: distributor,
    bizStep: cbv("shipping"),
    location: textHash("urn:epc:id:sgln:4012345.00001.0"),
    epcisHash: textHash("upgrade story: shipping event"),
    bizTransaction: textHash("urn:epcglobal:cbv:bt:4012345000009:PO-UPG-1"),
  };
  await (await sc.connect(actors.manufacturer).shipItem(lotId, textHash(serial), tree.proof(serial), shipment)).wait();
  await (
    await sc
      .connect(actors.distributor)
      .receiveItem(lotId, textHash(serial), true, textHash("urn:epc:id:sgln:4012345.00002.0"), textHash("receipt"))
  ).wait();
  const read = async () => ({
    product: (await sc.product(GTIN)).toString(),
    lot: (await sc.lot(lotId)).toString(),
    item: (await sc.item(lotId, textHash(serial))).toString(),
    verify: await verifyCode(sc, `https://id.gs1.org/01/${GTIN}/10/${LOT}/21/${serial}?17=${EXPIRY}`),
    unknown: await verifyCode(sc, `https://id.gs1.org/01/${GTIN}/10/${LOT}/21/NOPE?17=${EXPIRY}`),
  });
  const before = await read();
  const implementationBefore = await implementationOf(hre, proxy);

  const voters = [];
  for (const key of Object.keys(CITY_ORGANISATIONS) as OrganisationKey[]) {
    const orgId = await consortium.memberOf(actors[key].address);
    if (orgId === 0n) continue;
    const m = await consortium.member(orgId);
    if (m.kind === 0n && m.status === 1n) voters.push(actors[key]);
  }
  const started = Date.now();
  // The operator's task: checks version 2 (upgrade safety, storage layout against the running code), deploys it
  // wired like version 1 (the same consortium, the same oversight library) and files the proposal. Its report goes
  // to this script's output, which the test reads.
  const proposed = (await hre.run("city:propose-upgrade", {
    contract: "SupplyChain",
    artifact: "SupplyChainV2",
    from: "regulator",
    target: proxy,
    address: await consortium.getAddress(),
  })) as ProposedUpgrade;
  const proposalId = proposed.proposalId;
  const v2 = await hre.ethers.getContractAt("SupplyChainV2", proposed.implementation);
  const state = await voteUntilClosed(consortium, proposalId, voters);
  if (state !== "Executed") throw new Error(`the upgrade proposal ended ${state}`);
  const { eta } = await consortium.scheduledUpgrade(proxy);
  // Too early: the consortium refuses before the delay is over.
  let early = "";
  try {
    await applyUpgrade(consortium, actors.outsider, proxy);
  } catch (err) {
    const data = findRevertData(err);
    early = (data && consortium.interface.parseError(data)?.name) || String(err);
  }
  // Wait out the delay on the chain's clock (blocks carry the signers' real time).
  for (;;) {
    const head = await hre.ethers.provider.getBlock("latest");
    if (head && BigInt(head.timestamp) >= eta) break;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  await applyUpgrade(consortium, actors.outsider, proxy);
  const after = await read();
  const v2View = (await hre.ethers.getContractAt("SupplyChainV2", proxy)) as unknown as {
    upgradeVersion(): Promise<bigint>;
  };
  console.log(
    "UPGRADE_STORY " +
      JSON.stringify({
        proxy,
        implementationBefore,
        implementationAfter: await implementationOf(hre, proxy),
        v2: await v2.getAddress(),
        version: Number(await v2View.upgradeVersion()),
        early,
        seconds: Math.round((Date.now() - started) / 1000),
        before,
        after,
      }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
