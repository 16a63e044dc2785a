/** `jitr revocation sweep`: apply a CA's CRL to its ACTIVE certificates, from the CLI. */

import type { VerifiedCrl } from '../crl/types.js';
import { InvalidOperationsOptionError } from '../operations/errors.js';
import { systemClock } from '../pacing/token-bucket.js';
import type { FullWalkProgress, FullWalkReport } from '../revocation/full-walk.js';
import type { SweepReport } from '../revocation/sweep.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { certificateIdOption } from './certificate-id-option.js';
import { EXIT_CODES } from './exit-codes.js';
import { interruptOnSigint } from './ops-run.js';

export interface SweepCliOptions {
  ca: string;
  dryRun?: boolean;
  full?: boolean;
  json?: boolean;
  bucket?: string;
  keyTemplate?: string;
  table?: string;
  share?: number;
  region?: string;
}

export interface SweepCliReport extends SweepReport {
  full: FullWalkReport | null;
  /** Sweeps run again under the same lease because another trigger asked meanwhile (usually none). */
  reruns: SweepReport[];
}

function formatRun(report: SweepReport): string[] {
  const lines = [
    `CA ${report.caCertificateId}: ${report.result}${report.dryRun ? ' (dry run: nothing changed)' : ''}`,
    `  CRL number ${report.crlNumber ?? '-'} (${report.entryCount} entries), last swept ${report.lastSweptCrlNumber ?? '-'}, diff against ${report.diffBaseCrlNumber ?? 'nothing (every entry checked)'}`,
    `  newly revoked ${report.newlyRevoked}, in the ledger ${report.inLedger}, ACTIVE to revoke ${report.revokedActive}, revoked ${report.revoked} (${report.ledgerReads} ledger reads, ${(report.durationMs / 1000).toFixed(1)} s)`,
  ];
  if (report.refusal !== null) {
    lines.push(
      `  ✗ ${report.refusal.code}: ${report.refusal.message}`,
      `    remedy: ${report.refusal.remedy}`,
    );
  }
  return lines;
}

function formatReport(report: SweepCliReport): string {
  const lines = formatRun(report);
  for (const rerun of report.reruns)
    lines.push('again (another trigger arrived meanwhile):', ...formatRun(rerun));
  if (report.full !== null) {
    const f = report.full;
    lines.push(
      `  --full: ${f.scanned} certificates listed, ${f.active} ACTIVE, ${f.knownToLedger} known to the ledger, ${f.described} described, ${f.revokedActive} to revoke, ${f.revoked} revoked${f.interrupted ? ' (interrupted)' : ''}`,
    );
  }
  const failures = [
    ...report.failures,
    ...report.reruns.flatMap((r) => r.failures),
    ...(report.full?.failures ?? []),
  ];
  for (const failure of failures) {
    lines.push(`  ✗ ${failure.certificateId}: ${failure.code}: ${failure.message}`);
  }
  return lines.join('\n');
}

/** A one-line progress display on stderr (TTY only): phase, count, rate-based ETA. */
function progressLine(): ((text: string) => void) | null {
  if (!process.stderr.isTTY) return null;
  return (text) => process.stderr.write(`\r\x1b[2K${text}`);
}

/** `[████░░░░]` for done of total, 20 cells wide; a full bar when there is nothing to do. */
export function progressBarText(done: number, total: number): string {
  const width = 20;
  const filled = total <= 0 ? width : Math.min(width, Math.floor((done / total) * width));
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

function eta(seconds: number | null): string {
  if (seconds === null) return '';
  const s = Math.max(0, seconds);
  return ` ETA ${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * Runs `jitr revocation sweep`. Exit codes: 0 swept / already swept / dry run; 1 refused, a CRL
 * missing, or certificates that could not be revoked; 130 interrupted.
 */
export async function runRevocationSweep(options: SweepCliOptions, cli: CliRuntime): Promise<void> {
  const caCertificateId = certificateIdOption('--ca', options.ca, 'ca');
  const runtime = await cli.sweep({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.bucket === undefined ? {} : { bucket: options.bucket }),
    ...(options.keyTemplate === undefined ? {} : { keyTemplate: options.keyTemplate }),
    ...(options.table === undefined ? {} : { table: options.table }),
    ...(options.share === undefined ? {} : { share: options.share }),
  });
  const interrupt = interruptOnSigint();
  const show = progressLine();
  let verified: VerifiedCrl | null = null;
  try {
    const { sweepCaExclusively, sweepLeaseOwner } = await import('../revocation/sweep-lease.js');
    const bucket = runtime.bucket;
    if (bucket === null) {
      throw new InvalidOperationsOptionError({ kind: 'no-crl-bucket', option: '--bucket' });
    }
    const deps = runtime.depsFor(bucket);
    // Set by the walk under the lease (a holder object: TypeScript does not track closure writes).
    const walked: { report: FullWalkReport | null } = { report: null };
    // Under the CA's lease, as the sweep function runs: never two sweeps of a CA at once.
    const [report, ...reruns] = await sweepCaExclusively(deps, {
      caCertificateId,
      dryRun: options.dryRun === true,
      owner: sweepLeaseOwner('cli'),
      signal: interrupt.signal,
      onVerified: (crl) => {
        verified = crl;
      },
      onProgress: (p) =>
        show?.(`sweep: ${p.lookedUp} newly revoked looked up, ${p.revoked}/${p.toRevoke} revoked`),
      afterFirstRun: async (_first, signal) => {
        const crl: VerifiedCrl | null = verified;
        if (options.full !== true || crl === null || signal.aborted) return;
        const { fullWalk } = await import('../revocation/full-walk.js');
        const rate = runtime.settings.ratePerSecond;
        walked.report = await fullWalk(
          {
            ...deps,
            iot: runtime.iot,
            clock: systemClock,
            rates: { list: rate, describe: rate, update: rate },
          },
          {
            caCertificateId,
            crl,
            dryRun: options.dryRun === true,
            signal,
            onProgress: (p: FullWalkProgress) =>
              show?.(
                p.total === null
                  ? `--full ${p.phase}: ${p.done}`
                  : `--full ${p.phase} ${progressBarText(p.done, p.total)} ${p.done}/${p.total}${eta(p.etaSeconds)}`,
              ),
          },
        );
      },
    });
    if (report === undefined) throw new Error('the sweep returned no report');
    if (show !== null) process.stderr.write('\n');
    const walk = walked.report;
    const out: SweepCliReport = { ...report, full: walk, reruns };
    if (options.json === true) cli.out.json(out);
    else cli.out.line(formatReport(out));
    const last = reruns.at(-1) ?? report;
    if (last.result === 'interrupted' || walk?.interrupted === true)
      process.exitCode = EXIT_CODES.interrupted;
    else if (
      !['swept', 'already-swept', 'dry-run'].includes(last.result) ||
      (walk?.failures.length ?? 0) > 0
    ) {
      process.exitCode = EXIT_CODES.failed;
    }
  } finally {
    interrupt.dispose();
    runtime.dispose();
  }
}
