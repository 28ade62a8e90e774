import { expect } from "chai";
import hre from "hardhat";
import { findForbiddenOpcodes, forbiddenFor, metadataLength } from "../../src/deploy/opcodes";

describe("opcode pre-flight", function () {
  it("finds PUSH0, MCOPY and TSTORE as instructions for a London target", function () {
    // PUSH0 ; PUSH1 0x01 ; MCOPY ; TSTORE ; STOP
    expect(findForbiddenOpcodes("0x5f60015e5d00", "london")).to.deep.equal([
      { opcode: "PUSH0", offset: 0 },
      { opcode: "MCOPY", offset: 3 },
      { opcode: "TSTORE", offset: 4 },
    ]);
  });

  it("ignores the same bytes inside PUSH data", function () {
    // PUSH2 0x5f5e ; PUSH32 (32 bytes of 0x5d) ; STOP
    expect(findForbiddenOpcodes("0x615f5e7f" + "5d".repeat(32) + "00", "london")).to.deep.equal([]);
  });

  it("accepts PUSH0 on Shanghai but not MCOPY, and everything on Cancun", function () {
    expect(findForbiddenOpcodes("0x5f5e", "shanghai")).to.deep.equal([{ opcode: "MCOPY", offset: 1 }]);
    expect(findForbiddenOpcodes("0x5f5e", "cancun")).to.deep.equal([]);
    expect(Object.values(forbiddenFor("london"))).to.include.members(["PUSH0", "MCOPY", "TLOAD", "TSTORE"]);
  });

  it("skips solc's metadata trailer", function () {
    const trailer = "a2" + "5f".repeat(10); // CBOR map marker then bytes that look like PUSH0
    const code = "0x00" + trailer + (trailer.length / 2).toString(16).padStart(4, "0");
    expect(metadataLength(Uint8Array.from(Buffer.from(code.slice(2), "hex")))).to.equal(13);
    expect(findForbiddenOpcodes(code)).to.deep.equal([]);
  });

  it("refuses malformed hex", function () {
    expect(() => findForbiddenOpcodes("0x5")).to.throw("even-length hex");
  });

  it("passes every compiled contract of this repository (built for london)", async function () {
    for (const name of await hre.artifacts.getAllFullyQualifiedNames()) {
      const artifact = await hre.artifacts.readArtifact(name);
      if (artifact.bytecode === "0x") continue;
      expect(findForbiddenOpcodes(artifact.bytecode), name).to.deep.equal([]);
      expect(findForbiddenOpcodes(artifact.deployedBytecode), name).to.deep.equal([]);
    }
  });
});
