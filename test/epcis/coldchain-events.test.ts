import { expect } from "chai";
import { Wallet, zeroPadValue } from "ethers";
import { coldChainReceivingEvent, deviceUri, shipmentSensorElements } from "../../src/coldchain";
import { DEMO_EPOCH, EpcisError, anchorOf, demoGln, epcisEventHash, schemaErrors } from "../../src/epcis";
import { DeviceSimulator, registryDomain, simulateTemperatures } from "../../src/telemetry";

const SINK = "0x00000000000000000000000000000000000c01d0";
const SSCC = 340123450000000017n;

/** Two loggers' signed readings of one journey, relayed in batches of 40 (out of order, as a gateway may). */
async function journey() {
  const domain = registryDomain(31337, "0x000000000000000000000000000000000000bEEF");
  const loggers = [1, 2].map((k) => new DeviceSimulator(new Wallet(zeroPadValue(`0x0c01d${k}`, 32)), domain));
  const series = [1, 2].map((k) =>
    simulateTemperatures({ start: DEMO_EPOCH, interval: 60, count: 90, setpoint: 5, seed: k }),
  );
  const batches = [
    ...(await loggers[0].signSeries(series[0], SINK, 40)),
    ...(await loggers[1].signSeries(series[1], SINK, 40)),
  ];
  return { loggers, series, batches: [batches[4], batches[0], batches[3], batches[1], batches[5], batches[2]] };
}

describe("EPCIS sensor elements of a cold-chain shipment", function () {
  it("gives one element per logger with every signed reading in time order, in degrees Celsius", async function () {
    const { loggers, series, batches } = await journey();
    const elements = shipmentSensorElements(31337, batches);
    expect(elements).to.have.length(2);
    for (const [i, logger] of loggers.entries()) {
      const element = elements.find((e) => e.sensorMetadata?.deviceID === deviceUri(31337, logger.address))!;
      expect(element, `logger ${i + 1}`).to.not.equal(undefined);
      expect(element.sensorReport.map((r) => r.value)).to.deep.equal(series[i].map((r) => r.centi / 100));
      expect(element.sensorReport.every((r) => r.type === "Temperature" && r.uom === "CEL")).to.equal(true);
      expect(element.sensorMetadata!.startTime).to.equal(new Date(DEMO_EPOCH * 1000).toISOString());
    }
    expect(deviceUri(31337, loggers[0].address)).to.equal(`did:pkh:eip155:31337:${loggers[0].address}`);
  });

  it("builds the receiving event with the journey's readings: schema-valid, and its hash covers every reading", async function () {
    const { batches } = await journey();
    const received = (elements = shipmentSensorElements(31337, batches), sellable = true) =>
      coldChainReceivingEvent({
        sscc: SSCC,
        sender: 3,
        receiver: 6,
        owner: 1,
        time: DEMO_EPOCH + 2 * 3600,
        sellable,
        sensorElements: elements,
      });
    const event = received();
    expect(schemaErrors(event)).to.deep.equal([]);
    expect(event.bizStep).to.equal("receiving");
    expect(event.disposition).to.equal("sellable_accessible");
    expect(event.readPoint).to.deep.equal({ id: `https://id.gs1.org/414/${demoGln(6)}` });
    expect(event.sensorElementList).to.have.length(2);
    const anchored = anchorOf(event);
    // one reading changed by a hundredth of a degree is another event
    const altered = shipmentSensorElements(31337, batches);
    altered[1].sensorReport[17] = { ...altered[1].sensorReport[17], value: altered[1].sensorReport[17].value! + 0.01 };
    expect(epcisEventHash(received(altered))).to.not.equal(anchored.hashId);
    expect(received(undefined, false).disposition).to.equal("non_sellable_other");
  });

  it("refuses a shipment without readings", function () {
    expect(() => shipmentSensorElements(31337, [])).to.throw(EpcisError, "at least one signed batch");
  });
});
