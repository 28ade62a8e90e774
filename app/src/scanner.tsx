import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";
// The decoder's WebAssembly is a file of this app's build, served by the app itself (never by a CDN).
import wasmUrl from "zxing-wasm/reader/zxing_reader.wasm?url";

prepareZXingModule({
  overrides: { locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? wasmUrl : prefix + path) },
});

/**
 * Camera scanning of GS1 DataMatrix and QR codes with zxing-wasm: frames of the camera stream are decoded a few
 * times a second; the first code read is handed over as a scanner would type it (symbology identifier + data,
 * FNC1 as GS), so `parseGs1` reads it like any other scan.
 */
export function CameraScanner({ onScan }: { onScan(text: string): void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<"starting" | "looking" | { error: string }>("starting");
  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: number | undefined;
    let live = true;
    const canvas = document.createElement("canvas");
    const tick = async () => {
      const v = video.current;
      if (!live || !v || v.videoWidth === 0) return;
      canvas.width = v.videoWidth;
      canvas.height = v.videoHeight;
      const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
      ctx.drawImage(v, 0, 0);
      const found = await readBarcodes(ctx.getImageData(0, 0, canvas.width, canvas.height), {
        formats: ["DataMatrix", "QRCode"],
        textMode: "Plain",
        maxNumberOfSymbols: 1,
        tryHarder: true,
      });
      if (live && found.length > 0 && found[0].isValid) {
        live = false;
        onScan(found[0].symbologyIdentifier + found[0].text);
      }
    };
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        if (!live || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        setState("looking");
        const loop = () => {
          timer = window.setTimeout(() => {
            tick().then(
              () => live && loop(),
              (err: Error) => setState({ error: err.message }),
            );
          }, 200);
        };
        loop();
      } catch (err) {
        setState({ error: (err as Error).message });
      }
    })();
    return () => {
      live = false;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [onScan]);
  return (
    <div className="camera" data-testid="camera" data-state={typeof state === "string" ? state : "error"}>
      <video ref={video} muted playsInline style={{ width: "100%", maxWidth: 480, background: "#000" }} />
      <div className={typeof state === "string" ? "muted" : "error"}>
        {state === "starting"
          ? t("scan.cameraStarting")
          : state === "looking"
            ? t("scan.cameraLooking")
            : t("scan.cameraError", { error: state.error })}
      </div>
    </div>
  );
}
