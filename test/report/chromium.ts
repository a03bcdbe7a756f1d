// Headless Chromium for the tests that look at pages as a person would.
// Debian's chromium package puts it at /usr/bin/chromium (.ci/run installs it);
// where it is missing the tests that need it are skipped and say why.
import { existsSync } from "node:fs";
import { type Browser, type Page, chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.DAGRAD_CHROMIUM ?? "/usr/bin/chromium";
export const chromiumAvailable = existsSync(CHROMIUM_PATH);
export const chromiumMissing = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium): browser checks skipped`;

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
}

export interface Ink {
  /** Pixels that are not (near) white. */
  inked: number;
  total: number;
  /** Distinct colours, rounded to 4 bits per channel. */
  colours: number;
}

// Run in a page (as source text: the tests' TypeScript has no DOM types).
/** Source of an async function: a base64 PNG in, its RGBA pixels (Uint8ClampedArray) out, decoded by the browser. */
export const DECODE_PNG = `async (base64) => {
  const image = new Image();
  image.src = "data:image/png;base64," + base64;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return context.getImageData(0, 0, image.width, image.height).data;
}`;

const COUNT_INK = `async (base64) => {
  const data = await (${DECODE_PNG})(base64);
  let inked = 0;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) inked++;
    colours.add(((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4));
  }
  return { inked, total: data.length / 4, colours: colours.size };
}`;

/** Take a screenshot and count its non-white pixels and colours, decoding the PNG in the page itself. */
export async function screenshotInk(page: Page): Promise<{ png: Buffer; ink: Ink }> {
  const png = await page.screenshot({ fullPage: true });
  const probe = await page.context().browser()!.newPage();
  const ink = (await probe.evaluate(`(${COUNT_INK})(${JSON.stringify(png.toString("base64"))})`)) as Ink;
  await probe.close();
  return { png, ink };
}
