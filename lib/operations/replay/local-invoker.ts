/**
 * The in-process adapter of the replay engine's {@link EventInvoker} port (`jitr replay
 * --local`): the handler's own use case, wired exactly as handlers/jitr.ts wires it, from the
 * same environment variables (lib/config.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../config.js';
import { createIotClient } from '../../provisioning/iot-client.js';
import { registerCertificate } from '../../registration/register-certificate.js';
import { createRuntime } from '../../registration/runtime.js';
import { reasonFromError } from '../failure-text.js';
import type { EventInvoker } from './ports.js';

/**
 * Builds the use case from `env` (as the function would at cold start) and returns an invoker
 * that runs it. A thrown error (configuration or transient) is a failure with its grouping
 * reason; a returned result passes its outcome on.
 *
 * @throws ConfigurationInvalidError when `env` does not configure the handler.
 */
export function createLocalInvoker(env: Readonly<Record<string, string | undefined>>): EventInvoker {
  const config = loadConfig(env);
  const runtime = createRuntime(config, {
    iot: createIotClient(config.aws.region === null ? {} : { region: config.aws.region }),
    s3: new S3Client({
      forcePathStyle: config.aws.s3Endpoint !== null,
      ...(config.aws.region === null ? {} : { region: config.aws.region }),
    }),
  });
  return {
    async invoke(event) {
      try {
        const result = await registerCertificate(event, runtime.deps);
        return { ok: true, outcome: result.outcome };
      } catch (error) {
        return { ok: false, reason: reasonFromError(error) };
      }
    },
  };
}
