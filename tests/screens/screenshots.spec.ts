// PNGs of the main screens at phone and desktop width in English and Chinese,
// to look at (they are not compared to anything). Written to SCREENS_DIR
// (default .tmp/screens, outside git) as <state>-<width>-<language>.png.
// SCREENS_ONLY=<prefix,…> takes only some states (the seeding still runs).
import fs from "node:fs";
import path from "node:path";
import { test } from "../e2e/fixtures";
import { LANGUAGES, openAs, seed, show, UI_STATES, VIEWPORTS, type Language, type Seeded, type Viewport } from "../e2e/ui-states";

const DIR = path.resolve(process.env.SCREENS_DIR || ".tmp/screens");
/** SCREENS_ONLY=account,account-errors: only the states whose names start with one of these. */
const ONLY = process.env.SCREENS_ONLY?.split(",").filter(Boolean);
const STATES = ONLY ? UI_STATES.filter((s) => ONLY.some((prefix) => s.name.startsWith(prefix))) : UI_STATES;

test.describe.configure({ mode: "serial" });

let seeded: Seeded;
test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  fs.mkdirSync(DIR, { recursive: true });
  seeded = await seed(browser);
});
test.afterAll(async () => {
  for (const c of seeded?.keepOpen ?? []) await c.close();
});

for (const viewport of Object.keys(VIEWPORTS) as Viewport[]) {
  for (const language of Object.keys(LANGUAGES) as Language[]) {
    test(`screens at ${viewport} width in ${language}`, async ({ browser }) => {
      test.setTimeout(120_000);
      for (const state of STATES) {
        const { context, page } = await openAs(browser, viewport, language, state.who && seeded[state.who]);
        try {
          await show(page, context, state);
          // Let toasts and transitions finish.
          await page.waitForTimeout(300);
          await page.screenshot({ path: path.join(DIR, `${state.name}-${VIEWPORTS[viewport].width}-${language}.png`), fullPage: true });
        } finally {
          await context.close();
        }
      }
    });
  }
}
