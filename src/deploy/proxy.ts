/**
 * Deploying a domain contract behind its ERC-1967 proxy (UUPS): the implementation is constructed with its
 * immutable wiring (the consortium and sibling proxies), the proxy is constructed with the `initialize` call, and
 * the caller gets the contract's typed binding at the proxy's address, the only address members ever use.
 */
import type { BaseContract, Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

/** A contract deployed behind a proxy: the binding at the proxy, and the implementation's address. */
export interface Proxied<T> {
  contract: T;
  proxy: string;
  implementation: string;
}

/**
 * Deploys `name`'s implementation with `constructorArgs`, then an `ERC1967Proxy` that delegates to it and runs
 * `initialize(...initializeArgs)` in its constructor (so nobody can initialise it in between). `libraries` links
 * the implementation's external libraries (name → deployed address).
 */
export async function deployProxied<T extends BaseContract>(
  hre: HardhatRuntimeEnvironment,
  name: string,
  constructorArgs: unknown[],
  initializeArgs: unknown[],
  deployer?: Signer,
  libraries?: Record<string, string>,
): Promise<Proxied<T>> {
  const factory = await hre.ethers.getContractFactory(name, { signer: deployer, libraries });
  const impl = await factory.deploy(...constructorArgs);
  await impl.waitForDeployment();
  const implementation = await impl.getAddress();
  const data = factory.interface.encodeFunctionData("initialize", initializeArgs);
  const proxyFactory = await hre.ethers.getContractFactory("ERC1967Proxy", deployer);
  const proxyContract = await proxyFactory.deploy(implementation, data);
  await proxyContract.waitForDeployment();
  const proxy = await proxyContract.getAddress();
  return { contract: factory.attach(proxy) as unknown as T, proxy, implementation };
}

/** The ERC-1967 implementation slot: `bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)`. */
export const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** The implementation a proxy delegates to, read from its ERC-1967 slot. */
export async function implementationOf(hre: HardhatRuntimeEnvironment, proxy: string): Promise<string> {
  const word = await hre.ethers.provider.getStorage(proxy, IMPLEMENTATION_SLOT);
  return hre.ethers.getAddress("0x" + word.slice(26));
}
