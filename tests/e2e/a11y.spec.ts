// Accessibility of every main screen at phone width in English and Chinese
// and at desktop width in English: axe finds no violation of any impact, and on a phone nothing
// scrolls sideways and every control is a 44×44 px target. Users are seeded
// once; each width × language opens its own contexts as them.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { LANGUAGES, openAs, seed, show, UI_STATES, VIEWPORTS, type Language, type Seeded, type Viewport } from "./ui-states";

test.describe.configure({ mode: "serial" });

let seeded: Seeded;
test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  seeded = await seed(browser);
});
test.afterAll(async () => {
  for (const c of seeded?.keepOpen ?? []) await c.close();
});

/** Visible controls smaller than 44×44 px in the header and main content. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("header :is(a, button, input, select, textarea), main :is(a, button, input, select, textarea)")) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      // Screen-reader-only and hidden elements are not tap targets.
      if (r.width <= 1 || r.height <= 1 || style.visibility === "hidden" || style.display === "none") continue;
      if (r.width < 43.5 || r.height < 43.5) {
        const name = el.getAttribute("aria-label") ?? el.textContent?.trim() ?? el.getAttribute("name") ?? el.tagName;
        out.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return out;
  });
}

// Both languages at phone width (where a longer or wider text breaks a layout
// first); English only at desktop width: axe's rules do not depend on the
// language (the colours, names and roles are the same), and the Chinese
// desktop pages are looked at in `npm run screenshots`. Saves ~1 min of e2e.
const combos = (Object.keys(VIEWPORTS) as Viewport[]).flatMap((viewport) =>
  (Object.keys(LANGUAGES) as Language[]).filter((language) => viewport === "phone" || language === "en").map((language) => [viewport, language] as const),
);

for (const [viewport, language] of combos) {
  {
    test(`axe: no violations at ${viewport} width in ${language}`, async ({ browser }) => {
      test.setTimeout(120_000);
      for (const state of UI_STATES) {
        const { context, page } = await openAs(browser, viewport, language, state.who && seeded[state.who]);
        try {
          await show(page, context, state);
          expect(await page.locator("html").getAttribute("lang"), `${state.name}: <html lang>`).toBe(language);
          const { violations } = await new AxeBuilder({ page }).analyze();
          const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
          expect.soft(summary, `${state.name}: axe violations`).toEqual([]);
          if (viewport === "phone") {
            const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
            expect.soft(overflow, `${state.name}: scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
            expect.soft(await smallTargets(page), `${state.name}: targets under 44×44 px`).toEqual([]);
          }
        } finally {
          await context.close();
        }
      }
    });
  }
}
