// The four Act functions as the offline runtime, the simulation and the workflow tests run them: one set of
// adapters, each function's handler taking from it only the channels the function carries in AWS.
import type { TaskHandler } from '../../lambdas/adapters/local/local-escalation-starter';
import type { ActFunction } from '../../lambdas/domain/act-functions';
import { makeActBankHandler } from '../../lambdas/handlers/act-bank';
import { makeActLetterHandler } from '../../lambdas/handlers/act-letter';
import { makeActMessageHandler } from '../../lambdas/handlers/act-message';
import { makeActOnWorkItemHandler } from '../../lambdas/handlers/act-on-work-item';
import type { ActChannels, ActCore } from '../../lambdas/use-cases/act-on-step';

/** Each Act function's handler by its state name, each passed through `wrap` (the simulation counts calls). */
export function actFunctionHandlers(
  deps: () => ActCore & ActChannels,
  wrap: (state: ActFunction, handler: TaskHandler) => TaskHandler = (_state, handler) => handler,
): Record<ActFunction, TaskHandler> {
  return {
    ActMessage: wrap('ActMessage', makeActMessageHandler(deps)),
    ActLetter: wrap('ActLetter', makeActLetterHandler(deps)),
    ActBank: wrap('ActBank', makeActBankHandler(deps)),
    ActOnWorkItem: wrap('ActOnWorkItem', makeActOnWorkItemHandler(deps)),
  };
}
