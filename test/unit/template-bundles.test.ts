/**
 * The template catalogue (every letter, message and task template, ~35 KB minified) and the ladder validation
 * built on it ride only in the functions that render or plan with them: every module a function holds is
 * paid at each cold start, and the slowest functions sit near the 1.5x import target (issue 7, point 9).
 */

import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleMetafile, handlerEntries } from '../support/function-bundles';

const LETTERS = 'letter-templates';
const MESSAGES = 'message-templates';
const CATALOGUE = 'template-catalogue';
const VALIDATION = 'ladder-validation';
const TEMPLATE_MODULES = [LETTERS, MESSAGES, CATALOGUE, VALIDATION];

/**
 * Which of the four each function may hold. ActLetter renders letters and ActMessage texts and emails, each
 * only its own; PlanNextStep resolves a step's template version from the catalogue and checks every bank's
 * ladders against it at cold start (every Act follows a plan). The others neither render nor plan.
 */
const TEMPLATE_MODULES_BY_HANDLER: Record<string, string[]> = {
  'act-bank': [],
  'act-letter': [LETTERS],
  'act-message': [MESSAGES],
  'act-on-work-item': [],
  'api-find-cases': [],
  'api-get-case': [],
  'feed-load-finish': [],
  'feed-load-segment': [],
  'ingest-feed': [],
  'open-task': [],
  'plan-next-step': [LETTERS, MESSAGES, CATALOGUE, VALIDATION],
  'record-fault': [],
  'start-escalations': [],
};

/** The template modules that put code into the bundle (a module whose exports were all shaken off puts none). */
function templateModulesIn(metafile: Metafile): string[] {
  const held = Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, contribution]) => contribution.bytesInOutput > 0)
      .map(([path]) => path),
  );
  return TEMPLATE_MODULES.filter((name) => held.includes(`lambdas/domain/${name}.ts`));
}

/** The bundle as deployed (minified, as NodejsFunction builds it), with `extraSource` appended when given. */
async function templateModulesOf(entryPoint: string, extraSource = ''): Promise<string[]> {
  return templateModulesIn(await bundleMetafile(entryPoint, { extraSource }));
}

describe('template modules in the function bundles', () => {
  it('names every Lambda entry point under lambdas/handlers, and only those', () => {
    expect(handlerEntries().map((entry) => entry.name)).toEqual(
      Object.keys(TEMPLATE_MODULES_BY_HANDLER).sort(),
    );
  });

  for (const entry of handlerEntries()) {
    const allowed = TEMPLATE_MODULES_BY_HANDLER[entry.name] ?? [];
    it(`bundles ${entry.name} with ${allowed.length > 0 ? allowed.join(', ') : 'no template module'}`, async () => {
      expect(await templateModulesOf(entry.path)).toEqual(allowed);
    });
  }

  it('notices a template module the handler does not use (positive control)', async () => {
    const getCase = handlerEntries().find((entry) => entry.name === 'api-get-case');
    expect(getCase).toBeDefined();
    const withSms = await templateModulesOf(
      getCase?.path ?? '',
      "export { renderSms } from './lambdas/domain/message-templates';",
    );
    expect(withSms).toEqual([MESSAGES]);
  });
});
