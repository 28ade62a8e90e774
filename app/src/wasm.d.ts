/** Vite's `?url` imports: the served URL of a file of the build (the zxing decoder's WebAssembly). */
declare module "*.wasm?url" {
  const url: string;
  export default url;
}
