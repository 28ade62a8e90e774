import fs from "node:fs";
import path from "node:path";
import { TransactionRequest, Wallet } from "ethers";
import { BenchSuite } from "./harness";
import { CITY_SIGNERS_NEEDED, formCity } from "../city";
import { deploySystem } from "../deploy/system";
import { deploymentDir } from "../deployments";
import { makeGtin } from "../gs1";
import { sendLoad } from "../load";
import { deploySupplyChain, textHash } from "../supplychain";
import { deployPharma } from "../coldchain";
import { DEVICE_KIND, DeviceSimulator, NO_WATCH, digestOf, registryDomain, simulateTemperatures } from "../telemetry";

/** Parallel senders of the ingestion load (extra operational accounts of the manufacturer). */
const SENDERS = 16;
const TXS_PER_SENDER = 8;
const SERIALS_PER_TX = 100;
/** Gateways relaying signed telemetry at the same time (any account may relay), and their sensors. */
const GATEWAYS = 4;
const BATCHES_PER_SENSOR = 8;
const READINGS_PER_BATCH = 200;

/**
 * Rows measured on the local PoA chain only (`npm run bench -- --network poa`, with `npm run chain` running):
 * the full deployment time and block utilisation under bulk ingestion.
 */
export const suite: BenchSuite = {
  name: "poa",
  networks: ["poa"],
  async run(hre) {
    // 1. Full deployment of the system under a fresh deployment id (removed afterwards).
    const id = `bench-${Date.now()}`;
    const started = Date.now();
    const system = await deploySystem(hre, { quiet: true, deploymentId: id });
    const deploySeconds = (Date.now() - started) / 1000;
    fs.rmSync(path.join(deploymentDir(system.chainId), "..", id), { recursive: true, force: true });
    if (system.checks.some((c) => !c.ok)) throw new Error("bench: the deployment did not verify");

    // 2. Bulk ingestion: many manufacturer accounts register serials in parallel, nonces managed per sender.
    const { consortium, actors } = await formCity(hre);
    // Local keys (the harness's funded accounts), so the load can be signed ahead and broadcast at once.
    const keys = hre.network.config.accounts as string[];
    const wallets = keys
      .slice(CITY_SIGNERS_NEEDED, CITY_SIGNERS_NEEDED + SENDERS + GATEWAYS)
      .map((k) => new Wallet(k, hre.ethers.provider));
    if (wallets.length < SENDERS + GATEWAYS) {
      throw new Error(`bench: the network needs ${CITY_SIGNERS_NEEDED + SENDERS + GATEWAYS} accounts`);
    }
    const senders = wallets.slice(0, SENDERS);
    const gateways = wallets.slice(SENDERS);
    for (const s of senders) await (await consortium.connect(actors.manufacturer).addAccount(s.address)).wait();
    const sc = await deploySupplyChain(hre, await consortium.getAddress(), actors.deployer);
    const gtin = makeGtin("0401234500099");
    await (await sc.connect(actors.manufacturer).registerProduct(gtin, textHash("bulk product"))).wait();
    const lotNumberHash = textHash("BULK-1");
    await (
      await sc.connect(actors.manufacturer).commissionLot({
        gtin,
        lotNumberHash,
        expiry: BigInt(Math.floor(Date.UTC(2031, 0, 1) / 1000)),
        origin: textHash("urn:epc:id:sgln:4012345.00001.0"),
        merkleRoot: hre.ethers.ZeroHash,
        itemCount: 0,
        inputLots: [],
      })
    ).wait();
    const lotId = await sc.lotIdOf(gtin, lotNumberHash);
    const batch = (sender: number, tx: number) =>
      Array.from({ length: SERIALS_PER_TX }, (_, i) => textHash(`bulk-${sender}-${tx}-${i}`));
    const gasLimit = ((await sc.connect(senders[0]).registerItems.estimateGas(lotId, batch(99, 99))) * 12n) / 10n;
    const work: { signer: Wallet; requests: TransactionRequest[] }[] = [];
    for (const [i, signer] of senders.entries()) {
      const requests: TransactionRequest[] = [];
      for (let t = 0; t < TXS_PER_SENDER; t++) {
        requests.push({ ...(await sc.registerItems.populateTransaction(lotId, batch(i, t))), gasLimit });
      }
      work.push({ signer, requests });
    }

    // Telemetry: one sensor per gateway, each with a series of signed batches relayed straight to the registry.
    const { registry } = await deployPharma(hre, await consortium.getAddress(), sc, actors.deployer, actors.regulator);
    const firmware = digestOf("coldsense-fw-1.0.0");
    await (
      await registry.connect(actors.deviceManager).setFirmware(firmware, DEVICE_KIND.TemperatureSensor, 1, true)
    ).wait();
    const { chainId } = await hre.ethers.provider.getNetwork();
    const domain = registryDomain(chainId, await registry.getAddress());
    const now = Number((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const span = BATCHES_PER_SENSOR * READINGS_PER_BATCH;
    for (const [g, gateway] of gateways.entries()) {
      const sensor = new DeviceSimulator(Wallet.createRandom(), domain);
      const { registration, signature } = await sensor.signRegistration({
        kind: DEVICE_KIND.TemperatureSensor,
        ownerOrg: await consortium.memberOf(actors.carrier.address),
        managerOrg: await consortium.memberOf(actors.deviceManager.address),
        firmware,
        calibratedUntil: now + 365 * 86_400,
        metadataHash: textHash(`bulk sensor ${g}`),
        deadline: now + 3_600,
      });
      await (await registry.connect(actors.deviceManager).registerDevice(registration, signature)).wait();
      // readings one second apart, all in the past: the registry refuses readings from the future
      const series = simulateTemperatures({
        start: now - span - 60,
        interval: 1,
        count: span,
        setpoint: 5,
        seed: g + 1,
      });
      const batches = await sensor.signSeries(series, hre.ethers.ZeroAddress, READINGS_PER_BATCH);
      const requests: TransactionRequest[] = [];
      for (const b of batches) {
        requests.push({
          ...(await registry.submitBatch.populateTransaction(b.batch, b.signature, NO_WATCH)),
          gasLimit: 400_000n,
        });
      }
      work.push({ signer: gateway, requests });
    }

    const report = await sendLoad(hre.ethers.provider, work, { presign: true });
    return [
      {
        name: "poa: full deployment of the system",
        gas: Number(deploySeconds.toFixed(1)),
        unit: "s",
        target: 90,
        baseline: null,
      },
      {
        name:
          `poa: bulk ingestion, block gas used while the load lasts (${SENDERS} senders registering serials and ` +
          `${GATEWAYS} gateways relaying telemetry in parallel: ${report.transactions} txs, ${report.blocks.length} blocks)`,
        gas: Number((report.steadyUtilisation * 100).toFixed(1)),
        unit: "%",
        better: "higher",
        target: 70,
        baseline: null,
      },
    ];
  },
};
