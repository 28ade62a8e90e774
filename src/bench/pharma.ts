import { Wallet } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { BenchSuite, gasOf } from "./harness";
import { formCity } from "../city";
import { STORAGE_CLASSES, defineStorageClass, deployPharma } from "../coldchain";
import { deploySupplyChain, textHash } from "../supplychain";
import { DEVICE_KIND, DeviceSimulator, Reading, digestOf, registryDomain, simulateTemperatures } from "../telemetry";

const GTIN = 4012345000016n;

async function advance(hre: HardhatRuntimeEnvironment, seconds: number): Promise<number> {
  await hre.network.provider.send("evm_increaseTime", [seconds]);
  await hre.network.provider.send("evm_mine", []);
  return Number((await hre.ethers.provider.getBlock("latest"))!.timestamp);
}

/**
 * Cold chain and device registry: a device-signed batch of 200 readings relayed to the cold chain (registry
 * verification, Merkle anchoring and the rule's evaluation included) against the baseline of one signed reading
 * per transaction; registering a device; opening a shipment (2 lots, 1 sensor).
 */
export const suite: BenchSuite = {
  name: "pharma",
  networks: ["hardhat"],
  async run(hre) {
    const { consortium, actors, orgIds } = await formCity(hre);
    const sc = await deploySupplyChain(hre, await consortium.getAddress(), actors.deployer);
    const { registry, coldChain } = await deployPharma(
      hre,
      await consortium.getAddress(),
      sc,
      actors.deployer,
      actors.regulator,
    );
    const m = sc.connect(actors.manufacturer);
    await (await m.registerProduct(GTIN, textHash("Insulin 100 IU/ml"))).wait();
    const now = Number((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const lots: string[] = [];
    for (const lot of ["B1", "B2", "B3"]) {
      await (
        await m.commissionLot({
          gtin: GTIN,
          lotNumberHash: textHash(lot),
          expiry: now + 400 * 86_400,
          origin: textHash("plant 1"),
          merkleRoot: textHash(`serials ${lot}`),
          itemCount: 10_000,
          inputLots: [],
        })
      ).wait();
      lots.push(await sc.lotIdOf(GTIN, textHash(lot)));
    }
    const cls = await defineStorageClass(coldChain, actors.regulator, "2–8 °C", STORAGE_CLASSES.refrigerated.rule);
    await (await coldChain.connect(actors.manufacturer).registerDrug(GTIN, cls)).wait();
    const firmware = digestOf("coldsense-fw-1.0.0");
    await (
      await registry.connect(actors.deviceManager).setFirmware(firmware, DEVICE_KIND.TemperatureSensor, 1, true)
    ).wait();
    const { chainId } = await hre.ethers.provider.getNetwork();
    const domain = registryDomain(chainId, await registry.getAddress());
    const register = async (sim: DeviceSimulator) => {
      const { registration, signature } = await sim.signRegistration({
        kind: DEVICE_KIND.TemperatureSensor,
        ownerOrg: orgIds.carrier,
        firmware,
        calibratedUntil: now + 365 * 86_400,
        metadataHash: textHash(`sensor ${sim.address}`),
        deadline: now + 3600,
      });
      return gasOf(registry.connect(actors.deviceManager).registerDevice(registration, signature));
    };
    const batchSensor = new DeviceSimulator(Wallet.createRandom(), domain);
    const singleSensor = new DeviceSimulator(Wallet.createRandom(), domain);
    const registerGas = await register(batchSensor);
    await register(singleSensor);

    const open = (lotIds: string[], device: string) =>
      coldChain.connect(actors.manufacturer).openShipment({
        receiver: orgIds.hospital,
        carrier: orgIds.carrier,
        lots: lotIds,
        devices: [device],
        referenceHash: textHash(`ASN ${device}`),
      });
    // the contract's first shipment also pays for its counter's first write; measure the second
    await (await open([lots[2]], singleSensor.address)).wait();
    const openGas = await gasOf(open([lots[0], lots[1]], batchSensor.address));
    const sink = await coldChain.getAddress();
    const opened = Number((await hre.ethers.provider.getBlock("latest"))!.timestamp);

    // Steady state: the second batch of each kind is measured (the first pays for the track's first write).
    const reefer = simulateTemperatures({ start: opened + 30, interval: 60, count: 400, setpoint: 5, seed: 1 });
    await advance(hre, 400 * 60 + 60);
    const batches = await batchSensor.signSeries(reefer, sink, 200);
    for (const b of batches) if (b.series.length !== 200) throw new Error("bench: batches of 200 expected");
    await gasOf(coldChain.submitReadings(2, batches[0].batch, batches[0].signature));
    const batchGas = await gasOf(
      coldChain.connect(actors.outsider).submitReadings(2, batches[1].batch, batches[1].signature),
    );

    const singles: Reading[] = reefer.slice(0, 2);
    const one = await singleSensor.signSeries(singles, sink, 1);
    await gasOf(coldChain.submitReadings(1, one[0].batch, one[0].signature));
    const singleGas = await gasOf(coldChain.connect(actors.outsider).submitReadings(1, one[1].batch, one[1].signature));

    return [
      {
        name: "pharma: telemetry, per reading in a signed batch of 200 (tx gas / 200)",
        gas: Math.round(batchGas / 200),
        target: 600,
        baseline: singleGas,
      },
      {
        name: "pharma: telemetry, whole batch of 200 readings",
        gas: batchGas,
        target: 120_000,
        baseline: singleGas * 200,
      },
      { name: "pharma: register a device", gas: registerGas, target: 150_000, baseline: null },
      {
        name: "pharma: open a shipment (2 lots, 1 sensor; not the contract's first)",
        gas: openGas,
        target: 200_000,
        baseline: null,
      },
    ];
  },
};
