/** `jitr status <certificateId>`: why is this device (not) online? */
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { type CertificateStatusReport, certificateStatus } from '../status/certificate-status.js';
import { certificateIdOption } from './certificate-id-option.js';

export interface StatusCliOptions {
  region?: string;
  table?: string;
  json?: boolean;
}

function ledgerLines(report: CertificateStatusReport): string[] {
  const ledger = report.ledger;
  if (ledger === 'not-configured')
    return ['ledger       not consulted (no --table, no REGISTRATION_STATE_TABLE)'];
  if (ledger === null) return ['ledger       no record of this certificate'];
  const lines = [
    `ledger       ${ledger.outcome}${ledger.settledAt === null ? '' : ` at ${ledger.settledAt}`} (${ledger.attempts} attempt(s), source ${ledger.source})`,
    `             serial ${ledger.serial ?? '?'}, thing ${ledger.thingName ?? '-'}, policies ${ledger.policies.join(', ') || '-'}`,
    `             template ${ledger.templateSource ?? '-'}${ledger.templateHash === null ? '' : ` (sha256 ${ledger.templateHash.slice(0, 12)}…)`}, CRL number ${ledger.crlNumber ?? '-'}${ledger.timeToActiveMs === null ? '' : `, time to active ${(ledger.timeToActiveMs / 1000).toFixed(1)} s`}`,
  ];
  if (ledger.lastError !== null) {
    const e = ledger.lastError;
    lines.push(`last error   ${e.code}${e.step === null ? '' : ` at ${e.step}`} (${e.at}): ${e.message}`);
    if (e.remedy !== null) lines.push(`             remedy: ${e.remedy}`);
  }
  if (ledger.revokedBySweep !== null) {
    const r = ledger.revokedBySweep;
    lines.push(
      `sweep        set ${r.status} at ${r.at}: CRL number ${r.crlNumber}, reason ${r.reason ?? 'unspecified'}, revoked ${r.revocationDate}`,
    );
  }
  return lines;
}

/** The report as text lines, for a terminal. */
export function formatStatus(report: CertificateStatusReport): string {
  const c = report.certificate;
  const lines = [
    `certificate  ${report.certificateId}`,
    c === null
      ? 'status       (not in AWS IoT, or unreadable)'
      : `status       ${c.status} (CA ${c.caCertificateId ?? '-'}, created ${c.creationDate ?? '?'})`,
  ];
  if (report.things !== null) {
    lines.push(
      `things       ${report.things.map((t) => `${t.thingName} (groups: ${t.groups === null ? 'unreadable' : t.groups.join(', ') || '-'})`).join('; ') || '-'}`,
    );
  }
  if (report.policies !== null) lines.push(`policies     ${report.policies.join(', ') || '-'}`);
  lines.push(...ledgerLines(report));
  for (const u of report.unreadable) {
    lines.push(
      `unreadable   ${u.part}: ${u.code}: ${u.message}${u.remedy === null ? '' : ` — remedy: ${u.remedy}`}`,
    );
  }
  lines.push(`verdict      ${report.diagnosis.online ? '✓' : '✗'} ${report.diagnosis.verdict}`);
  for (const step of report.diagnosis.next) lines.push(`next         ${step}`);
  return lines.join('\n');
}

/** Runs `jitr status`; exit code 1 unless the certificate is ACTIVE and fully provisioned and every read succeeded. */
export async function runStatus(
  certificateId: string,
  options: StatusCliOptions,
  cli: CliRuntime,
): Promise<void> {
  const id = certificateIdOption('<certificateId>', certificateId, 'certificate');
  const iot = await cli.aws(options.region).iotRegistry();
  const ledger = await cli.ledger({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.table === undefined ? {} : { table: options.table }),
  });
  const report = await certificateStatus({ iot, ledger }, id);
  if (options.json === true) cli.out.json(report);
  else cli.out.line(formatStatus(report));
  if (!report.diagnosis.online) process.exitCode = 1;
}
