import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { textHash } from "../../../src/supplychain";
import { DEVICE_KIND, DeviceSimulator } from "../../../src/telemetry";
import { FIRMWARE_V1, FIRMWARE_V2, YEAR, deployTwoManagersFixture, deviceWallet } from "../../fixtures/pharma";
import type { WrongPartyCall, WrongPartyTarget } from "../wrongparty";

/** SunGrid Utility (a second DEVICE_MANAGER by vote) acting on a sensor Metro IoT manages. */
async function byOtherManager(
  fn: string,
  args: (f: Awaited<ReturnType<typeof deployTwoManagersFixture>>, now: number) => unknown[],
): Promise<WrongPartyCall> {
  const f = await loadFixture(deployTwoManagersFixture);
  const now = await time.latest();
  void fn;
  return {
    contract: f.registry,
    consortium: f.consortium,
    caller: f.actors.gridOperator,
    role: "DEVICE_MANAGER",
    args: args(f, now),
    error: "DeviceNotManager",
    errorArgs: [f.sensor.address, f.orgIds.gridOperator],
  };
}

/**
 * DeviceRegistry: a device belongs to its managing DEVICE_MANAGER organisation (named in the device-signed
 * registration); firmware lists and floors belong to the organisation that set them (the city's to a REGULATOR).
 */
export const target: WrongPartyTarget = {
  contractName: "DeviceRegistry",
  async load() {
    return (await loadFixture(deployTwoManagersFixture)).registry;
  },
  functions: {
    "pauseDomain(string)": {
      exempt: "any REGULATOR stops the whole domain by office: no member-owned object (outsider gate checks the role)",
    },
    "unpauseDomain(uint256)": { exempt: "only the consortium, executing a vote (AccessNotConsortium for anyone else)" },
    "upgradeToAndCall(address,bytes)": {
      exempt: "only the consortium, applying a voted and delayed upgrade (AccessUpgradeNotVoted for anyone else)",
    },
    "initialize()": { exempt: "runs once, in the proxy's constructor; any later call reverts InvalidInitialization" },
    "setFirmware(bytes32,uint8,uint32,bool)": {
      exempt: "writes only the caller organisation's own allow-list; other organisations' lists are out of reach",
    },
    "raiseFirmwareFloor(uint8,uint32)": { exempt: "sets only the caller organisation's own floor" },
    "lowerFirmwareFloor(uint8,uint32,bytes32)": { exempt: "sets only the caller organisation's own floor" },
    "setCityFirmware(bytes32,uint8,uint32,bool)": {
      exempt: "the city-wide list is a REGULATOR's by office (outsider gate checks the role)",
    },
    "setCityFirmwareFloor(uint8,uint32,bytes32)": {
      exempt: "the city-wide floor is a REGULATOR's by office (outsider gate checks the role)",
    },
    "registerDevice((address,uint8,uint32,uint32,bytes32,uint64,bytes32,uint64,uint64),bytes)": {
      rule: "a registration the device signed for Metro IoT; another DEVICE_MANAGER cannot submit it",
      async setup() {
        const f = await loadFixture(deployTwoManagersFixture);
        const sim = new DeviceSimulator(deviceWallet(30), f.domain);
        const now = await time.latest();
        const { registration, signature } = await sim.signRegistration({
          kind: DEVICE_KIND.TemperatureSensor,
          ownerOrg: f.orgIds.carrier,
          managerOrg: f.orgIds.deviceManager,
          firmware: FIRMWARE_V1,
          calibratedUntil: now + YEAR,
          metadataHash: textHash("front-run"),
          deadline: now + 600,
        });
        return {
          contract: f.registry,
          consortium: f.consortium,
          caller: f.actors.gridOperator,
          role: "DEVICE_MANAGER",
          args: [registration, signature],
          error: "DeviceRegistrationWrongManager",
          errorArgs: [sim.address, f.orgIds.deviceManager, f.orgIds.gridOperator],
        };
      },
    },
    "setSuspended(address,bool)": {
      rule: "a sensor Metro IoT manages; only its manager suspends it",
      setup: () => byOtherManager("setSuspended", (f) => [f.sensor.address, true]),
    },
    "transferDevice(address,uint32)": {
      rule: "a sensor Metro IoT manages; only its manager transfers it",
      setup: () => byOtherManager("transferDevice", (f) => [f.sensor.address, f.orgIds.hospital]),
    },
    "revokeDevice(address,uint64,bytes32)": {
      rule: "a sensor Metro IoT manages; only its manager revokes it",
      setup: () => byOtherManager("revokeDevice", (f, now) => [f.sensor.address, now, textHash("x")]),
    },
    "recalibrate(address,uint64,bytes32)": {
      rule: "a sensor Metro IoT manages; only its manager recalibrates it",
      setup: () => byOtherManager("recalibrate", (f, now) => [f.sensor.address, now + YEAR, textHash("cert")]),
    },
    "updateFirmware(address,bytes32)": {
      rule: "a sensor Metro IoT manages; only its manager updates its firmware",
      setup: () => byOtherManager("updateFirmware", (f) => [f.sensor.address, FIRMWARE_V2]),
    },
    "submitBatch((address,uint64,uint64,address,bytes),bytes,(int16,int16,int16,int16,uint32))": {
      exempt: "permissionless relay: the device's EIP-712 signature, sequence and sink are the authorisation",
    },
  },
};
