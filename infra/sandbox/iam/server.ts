import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Faults } from '../faults.js';
import { readBody } from '../http.js';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendXml(
    res,
    status,
    `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/** `ActionNames.member.1=…&ActionNames.member.2=…` → the list, in order. */
function members(form: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; form.has(`${name}.member.${i}`); i += 1) out.push(form.get(`${name}.member.${i}`) ?? '');
  return out;
}

function simulate(form: URLSearchParams, faults: Faults): string {
  const actions = members(form, 'ActionNames');
  const resources = members(form, 'ResourceArns');
  const decision = (action: string): string => (faults.isDenied(action) ? 'implicitDeny' : 'allowed');
  const results = actions.map((action) => {
    const specific =
      resources.length > 1
        ? `<ResourceSpecificResults>${resources
            .map(
              (r) =>
                `<member><EvalResourceName>${escapeXml(r)}</EvalResourceName><EvalResourceDecision>${decision(action)}</EvalResourceDecision><MatchedStatements/><MissingContextValues/></member>`,
            )
            .join('')}</ResourceSpecificResults>`
        : '';
    return `<member><EvalActionName>${escapeXml(action)}</EvalActionName><EvalResourceName>${escapeXml(resources[0] ?? '*')}</EvalResourceName><EvalDecision>${decision(action)}</EvalDecision><MatchedStatements/><MissingContextValues/>${specific}</member>`;
  });
  return `<SimulatePrincipalPolicyResponse xmlns="${NS}"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>${results.join('')}</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>`;
}

async function handle(req: IncomingMessage, res: ServerResponse, faults: Faults): Promise<void> {
  const form = new URLSearchParams(await readBody(req));
  const action = form.get('Action');
  if (req.method !== 'POST' || action !== 'SimulatePrincipalPolicy') {
    sendError(
      res,
      400,
      'InvalidAction',
      `Could not find operation ${action ?? '(none)'} for version 2010-05-08`,
    );
    return;
  }
  if (!form.has('PolicySourceArn')) {
    sendError(
      res,
      400,
      'ValidationError',
      "1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null",
    );
    return;
  }
  sendXml(res, 200, simulate(form, faults));
}

/**
 * IAM's SimulatePrincipalPolicy (awsQuery protocol) answered from the fault deny list: a
 * denied action is `implicitDeny`, everything else `allowed` — so `jitr doctor` sees the same
 * missing permission the handler hits.
 */
export function createIamServer(faults: Faults): Server {
  return createServer((req, res) => {
    handle(req, res, faults).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'ServiceFailure', String(error));
    });
  });
}
