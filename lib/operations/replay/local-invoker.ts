/**
 * The in-process adapter of the {@link EventInvoker} port (`jitr replay --local`, `jitr
 * reconcile`, the scheduled reconcile function): the handler's own use case, wired exactly as
 * handlers/jitr.ts wires it, from the same environment variables (lib/config.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../config/config.js';
import { createIotClient } from '../../provisioning/iot-client.js';
import { type RegistrationDeps, registerCertificate } from '../../registration/register-certificate.js';
import { createRuntime, type Runtime } from '../../runtime/runtime.js';
import { reasonFromError } from '../failure-text.js';
import type { EventInvoker } from './ports.js';

/**
 * An invoker over the registration use case: a thrown error (configuration or transient) is
 * a failure with its grouping reason; a returned result passes its outcome on.
 */
export function useCaseInvoker(deps: RegistrationDeps): EventInvoker {
  return {
    async invoke(event) {
      try {
        const result = await registerCertificate(event, deps);
        return { ok: true, outcome: result.outcome };
      } catch (error) {
        return { ok: false, reason: reasonFromError(error) };
      }
    },
  };
}

/**
 * Builds the handler's runtime from `env`, as the function does at cold start.
 *
 * @throws ConfigurationInvalidError when `env` does not configure the handler.
 */
export function createLocalRuntime(env: Readonly<Record<string, string | undefined>>): Runtime {
  const config = loadConfig(env);
  const region = config.aws.region === null ? {} : { region: config.aws.region };
  return createRuntime(config, {
    iot: createIotClient(region),
    s3: new S3Client({ forcePathStyle: config.aws.s3Endpoint !== null, ...region }),
  });
}

/** {@link useCaseInvoker} over a runtime built from `env`. */
export function createLocalInvoker(env: Readonly<Record<string, string | undefined>>): EventInvoker {
  return useCaseInvoker(createLocalRuntime(env).deps);
}
