/**
 * The reviewer pages, rendered on the server with hono/jsx. Every value from a document (OCR
 * text, fields, names) is passed as a JSX child or attribute, which hono/jsx escapes; nothing here
 * uses raw() or dangerouslySetInnerHTML.
 */
import type { Child } from 'hono/jsx';
import type { FieldEvidence, Fields } from '../documents/document-types.js';
import type { Reason } from '../verdicts/reasons.js';
import type { Verification } from '../verifications/verifications.models.js';
import type { FixtureSummary } from './fixtures.store.js';
import {
  FIELD_LABELS_ZH,
  type QueueFilters,
  type QueueItem,
  type ReviewMetrics,
  VERDICT_LABELS,
  VERDICTS,
  versionOf,
} from './review.models.js';
import type { ReviewApproval } from './review-approvals.repository.js';
import { DOCUMENT_TYPE_LABELS } from './views/document-type-labels.js';

export interface Viewer {
  keyId: string;
  role: string;
  keyName: string | null;
  csrfToken: string;
}

function Layout(props: { title: string; viewer: Viewer | null; children?: Child; bodyClass?: string }) {
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · docverify review</title>
        <link rel="stylesheet" href="/review/assets/review.css" />
        <script src="/review/assets/review.js" defer />
      </head>
      <body class={props.bodyClass}>
        <header class="top">
          <a class="brand" href="/review">
            docverify 人工复核 review
          </a>
          {props.viewer ? (
            <nav>
              <a href="/review">队列 Queue</a>
              <a href="/review/metrics">指标 Metrics</a>
              <a href="/review/fixtures">样例 Fixtures</a>
              <span class="who">
                {props.viewer.keyName ?? props.viewer.keyId} ({props.viewer.role})
              </span>
              <form method="post" action="/review/sign-out" class="inline">
                <input type="hidden" name="_csrf" value={props.viewer.csrfToken} />
                <button type="submit">退出 Sign out</button>
              </form>
            </nav>
          ) : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

export function SignInPage(props: { error?: string; next?: string }) {
  return (
    <Layout title="Sign in" viewer={null}>
      <h1>登录 Sign in</h1>
      <p>使用复核员（或管理员）API 密钥登录。Sign in with a reviewer (or admin) API key.</p>
      {props.error ? (
        <p class="banner error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action="/review/sign-in" class="sign-in">
        <input type="hidden" name="next" value={props.next ?? '/review'} />
        <label>
          API 密钥 API key
          <input type="password" name="key" autocomplete="off" required autofocus />
        </label>
        <button type="submit">登录 Sign in</button>
      </form>
    </Layout>
  );
}

export function MessagePage(props: { viewer: Viewer | null; title: string; message: string; link?: string }) {
  return (
    <Layout title={props.title} viewer={props.viewer}>
      <h1>{props.title}</h1>
      <p class="banner" role="status">
        {props.message}
      </p>
      <p>
        <a href={props.link ?? '/review'}>← 返回 Back</a>
      </p>
    </Layout>
  );
}

const formatAge = (ms: number) => {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
};

const dateInput = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : '');

function ReasonList(props: { reasons: readonly Reason[] }) {
  if (props.reasons.length === 0) return <p class="muted">无 None</p>;
  return (
    <ul class="reasons">
      {props.reasons.map((r) => (
        <li class={`sev-${r.severity}`}>
          <code>{r.code}</code> <span class="sev">{r.severity}</span>
          {r.field ? <span class="field-ref"> · {r.field}</span> : null} — {r.message}
          {r.messageZh ? <span class="zh"> （{r.messageZh}）</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function QueuePage(props: {
  viewer: Viewer;
  items: QueueItem[];
  total: number;
  filters: QueueFilters;
  reasonCodes: readonly string[];
}) {
  const f = props.filters;
  return (
    <Layout title="Queue" viewer={props.viewer}>
      <h1>
        复核队列 Review queue{' '}
        <span class="count" id="queue-size">
          {props.items.length}
        </span>
      </h1>
      <p class="muted">
        待复核及抽检的已通过案例，按优先级与等待时间排序。needs_review cases and a quality-check sample of
        verified ones, most urgent and oldest first.{' '}
        {props.total !== props.items.length ? `(${props.total} without filters)` : ''}
      </p>
      <form method="get" action="/review" class="filters">
        <label>
          类型 Type
          <select name="type">
            <option value="">全部 all</option>
            {Object.entries(DOCUMENT_TYPE_LABELS).map(([id, label]) => (
              <option value={id} selected={f.documentType === id}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          原因 Reason
          <select name="reason">
            <option value="">全部 all</option>
            {props.reasonCodes.map((code) => (
              <option value={code} selected={f.reasonCode === code}>
                {code}
              </option>
            ))}
          </select>
        </label>
        <label>
          审批 Approval
          <select name="pending">
            <option value="">全部 all</option>
            <option value="approval" selected={f.pending === 'approval'}>
              仅待第二人审批 only awaiting a second reviewer
            </option>
          </select>
        </label>
        <label>
          从 From
          <input type="date" name="from" value={dateInput(f.from)} />
        </label>
        <label>
          到 To
          <input type="date" name="to" value={dateInput(f.to)} />
        </label>
        <button type="submit">筛选 Filter</button>
      </form>
      {props.items.length === 0 ? (
        <p class="banner">队列为空 The queue is empty.</p>
      ) : (
        <table class="queue">
          <thead>
            <tr>
              <th>优先级 Priority</th>
              <th>案例 Case</th>
              <th>类型 Type</th>
              <th>结论 Verdict</th>
              <th>原因 Reasons</th>
              <th>等待 Age</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((item) => (
              <tr class={`prio-${item.priority}`}>
                <td>
                  {item.priority === 2 ? '紧急 urgent' : item.qualityCheck ? '抽检 QC sample' : '普通 normal'}
                </td>
                <td>
                  <a class="case-link" href={`/review/cases/${encodeURIComponent(item.id)}`}>
                    {item.id}
                  </a>
                  <div class="muted">{item.subjectId}</div>
                </td>
                <td>{DOCUMENT_TYPE_LABELS[item.documentType] ?? item.documentType}</td>
                <td>
                  {VERDICT_LABELS[item.verdict]}
                  {item.awaitingApproval ? (
                    <div class="awaiting-approval">
                      等待第二人审批 awaiting second approval →{' '}
                      {VERDICT_LABELS[item.awaitingApproval.proposedVerdict]}
                    </div>
                  ) : null}
                </td>
                <td>
                  {item.reasons.map((r) => (
                    <code class={`tag sev-${r.severity}`}>{r.code}</code>
                  ))}
                </td>
                <td>{formatAge(item.ageMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

export interface CaseView {
  verification: Verification;
  fieldNames: string[];
  image: { width: number; height: number } | null;
  nextCaseId: string | null;
  reviewed: boolean;
  banner?: { kind: 'ok' | 'error' | 'conflict'; text: string } | undefined;
  /** Values the reviewer typed that were not saved (after a conflict), to copy over. */
  unsaved?: Record<string, string> | undefined;
  /** A correction waiting for a second reviewer, with its values opened for the page. */
  awaitingApproval?: { approval: ReviewApproval; fields: Fields; note: string | null } | null | undefined;
}

/**
 * The proposal waiting on this case: what would change and why a second reviewer must agree.
 * Other reviewers get approve / send back (plain buttons, no shortcut keys); its proposer only
 * sees that it waits.
 */
function AwaitingApproval(props: {
  viewer: Viewer;
  verificationId: string;
  pending: NonNullable<CaseView['awaitingApproval']>;
  currentFields: Fields;
}) {
  const { approval, fields, note } = props.pending;
  const own = approval.proposedByKeyId === props.viewer.keyId;
  return (
    <section class="awaiting-approval" id="awaiting-approval" aria-labelledby="awaiting-approval-title">
      <h2 id="awaiting-approval-title">等待第二人审批 awaiting second approval</h2>
      <p>
        提议结论 Proposed verdict: <strong>{VERDICT_LABELS[approval.proposedVerdict]}</strong> · 提议人 by{' '}
        <code>{approval.proposedByKeyId}</code> · {approval.proposedAt.toISOString()}
      </p>
      <p>
        需第二人审批，因为 A second reviewer must agree because of:{' '}
        {approval.hardReasonCodes.map((code) => (
          <code class="tag sev-hard">{code}</code>
        ))}
      </p>
      {approval.changedFields.length > 0 ? (
        <table class="proposed-fields">
          <thead>
            <tr>
              <th>字段 Field</th>
              <th>现值 Now</th>
              <th>提议值 Proposed</th>
            </tr>
          </thead>
          <tbody>
            {approval.changedFields.map((name) => (
              <tr>
                <th>
                  <code>{name}</code>
                </th>
                <td class="text">{String(props.currentFields[name] ?? '')}</td>
                <td class="text">{String(fields[name] ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {note ? (
        <p>
          备注 Comment: <span class="text">{note}</span>
        </p>
      ) : null}
      {own ? (
        <p class="muted" id="awaiting-own">
          这是你的提议，需由另一位复核员批准或退回。This is your proposal: another reviewer approves or sends
          it back.
        </p>
      ) : (
        <form
          method="post"
          action={`/review/cases/${encodeURIComponent(props.verificationId)}/approvals`}
          id="approval-form"
        >
          <input type="hidden" name="_csrf" value={props.viewer.csrfToken} />
          <input type="hidden" name="approvalId" value={approval.id} />
          <label class="note">
            审批备注 Comment (optional)
            <textarea name="note" rows={2} maxlength={2000} />
          </label>
          <div class="actions">
            <button type="submit" name="decision" value="approve" id="approval-approve" class="approve">
              批准提议 Approve the proposal
            </button>
            <button type="submit" name="decision" value="send_back" id="approval-send-back" class="reject">
              退回 Send back
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

const confidenceText = (e: FieldEvidence | undefined) => (e ? `${Math.round(e.confidence * 100)}%` : '—');

export function CasePage(props: { viewer: Viewer; view: CaseView }) {
  const { verification: v, image } = props.view;
  const outcome = v.outcome as NonNullable<Verification['outcome']>;
  const boxes = Object.entries(outcome.evidence).filter(
    (entry): entry is [string, FieldEvidence & { box: [number, number, number, number] }] =>
      entry[1].box !== null,
  );
  const imageUrl = `/review/cases/${encodeURIComponent(v.id)}/image`;
  const banner = props.view.banner;
  return (
    <Layout title={`Case ${v.id}`} viewer={props.viewer} bodyClass="case-page">
      <h1>
        案例 Case <code>{v.id}</code>
      </h1>
      {banner ? (
        <p class={`banner ${banner.kind}`} role={banner.kind === 'ok' ? 'status' : 'alert'} id="case-banner">
          {banner.text}
        </p>
      ) : null}
      <div class="case">
        <section class="viewer-pane" aria-label="原件 Original">
          <div class="toolbar">
            <button type="button" data-action="zoom-in" title="+">
              放大 Zoom in (+)
            </button>
            <button type="button" data-action="zoom-out" title="-">
              缩小 Zoom out (-)
            </button>
            <button type="button" data-action="rotate" title="o">
              旋转 Rotate (o)
            </button>
            <button type="button" data-action="toggle-boxes" title="b">
              框 Boxes (b)
            </button>
            <button type="button" data-action="reset">
              复位 Reset
            </button>
          </div>
          {image ? (
            <div class="stage" id="stage">
              <div class="viewer" id="viewer">
                <img src={imageUrl} width={image.width} height={image.height} alt="原件 original document" />
                <svg
                  class="boxes"
                  viewBox={`0 0 ${image.width} ${image.height}`}
                  preserveAspectRatio="none"
                  aria-hidden="true"
                >
                  {boxes.map(([field, e]) => (
                    <g class={`box src-${e.source}`} data-field={field}>
                      <title>
                        {field}: {e.text}
                      </title>
                      <rect x={e.box[0]} y={e.box[1]} width={e.box[2]} height={e.box[3]} />
                      <text x={e.box[0]} y={Math.max(12, e.box[1] - 4)}>
                        {field}
                      </text>
                    </g>
                  ))}
                </svg>
              </div>
            </div>
          ) : v.blobKey ? (
            <p>
              原件为 PDF。The original is a PDF:{' '}
              <a href={imageUrl} target="_blank" rel="noopener">
                打开 open it
              </a>
              .
            </p>
          ) : (
            <p class="muted">原件已删除 The original was deleted.</p>
          )}
        </section>
        <section class="data-pane">
          <dl class="facts">
            <dt>类型 Type</dt>
            <dd>{DOCUMENT_TYPE_LABELS[outcome.documentType] ?? outcome.documentType}</dd>
            <dt>当前结论 Verdict</dt>
            <dd id="current-verdict">{VERDICT_LABELS[outcome.verdict]}</dd>
            <dt>置信度 Confidence</dt>
            <dd>{Math.round(outcome.confidence * 100)}%</dd>
            <dt>主体 Subject</dt>
            <dd>{v.subjectId}</dd>
            <dt>完成 Completed</dt>
            <dd>{v.completedAt?.toISOString() ?? '—'}</dd>
          </dl>
          <h2>申请人 Applicant</h2>
          <dl class="facts applicant">
            <dt>姓名 Name</dt>
            <dd id="applicant-name">{v.applicant?.name ?? '—'}</dd>
            <dt>证件号码 ID number</dt>
            <dd id="applicant-id">{v.applicant?.idNumber ?? '—'}</dd>
          </dl>
          <h2>校验原因 Reasons</h2>
          <div id="reasons">
            <ReasonList reasons={outcome.reasons} />
          </div>
          {props.view.awaitingApproval ? (
            <AwaitingApproval
              viewer={props.viewer}
              verificationId={v.id}
              pending={props.view.awaitingApproval}
              currentFields={outcome.fields}
            />
          ) : null}
          <form method="post" action={`/review/cases/${encodeURIComponent(v.id)}`} id="review-form">
            <input type="hidden" name="_csrf" value={props.viewer.csrfToken} />
            <input type="hidden" name="version" value={versionOf(v.updatedAt)} />
            <h2>字段 Fields</h2>
            <table class="fields">
              <thead>
                <tr>
                  <th>字段 Field</th>
                  <th>值 Value</th>
                  <th>证据 Evidence</th>
                </tr>
              </thead>
              <tbody>
                {props.view.fieldNames.map((name) => {
                  const value = outcome.fields[name];
                  const e = outcome.evidence[name];
                  const unsaved = props.view.unsaved?.[`field.${name}`];
                  return (
                    <tr data-field={name}>
                      <th>
                        <label for={`field-${name}`}>
                          {FIELD_LABELS_ZH[name] ?? ''} <code>{name}</code>
                        </label>
                      </th>
                      <td>
                        <input
                          id={`field-${name}`}
                          name={`field.${name}`}
                          class="field-input"
                          value={value === null || value === undefined ? '' : String(value)}
                          autocomplete="off"
                        />
                        {unsaved !== undefined && unsaved !== String(value ?? '') ? (
                          <div class="unsaved">
                            你未保存的值 your unsaved value: <span class="text">{unsaved}</span>
                          </div>
                        ) : null}
                      </td>
                      <td class="evidence">
                        {e ? (
                          <>
                            <span class="text">{e.text}</span>
                            <span class="muted">
                              {' '}
                              · {confidenceText(e)} · {e.source}
                            </span>
                          </>
                        ) : (
                          <span class="muted">—</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <fieldset class="verdict">
              <legend>结论 Verdict</legend>
              {VERDICTS.map((verdict) => (
                <label>
                  <input
                    type="radio"
                    name="verdict"
                    value={verdict}
                    checked={outcome.verdict === verdict}
                    id={`verdict-${verdict}`}
                  />{' '}
                  {VERDICT_LABELS[verdict]}
                </label>
              ))}
            </fieldset>
            <label class="note">
              备注 Comment
              <textarea name="note" rows={3} maxlength={2000}>
                {props.view.unsaved?.note ?? ''}
              </textarea>
            </label>
            <div class="actions">
              <button type="submit" name="action" value="save" id="save">
                保存 Save
              </button>
              <button type="submit" name="action" value="approve" id="approve" class="approve">
                通过 Approve (a)
              </button>
              <button type="submit" name="action" value="reject" id="reject" class="reject">
                拒绝 Reject (r)
              </button>
              {props.view.nextCaseId ? (
                <a id="next-case" href={`/review/cases/${encodeURIComponent(props.view.nextCaseId)}`}>
                  下一个 Next (n)
                </a>
              ) : (
                <a id="next-case" href="/review">
                  队列 Queue (n)
                </a>
              )}
            </div>
            <p class="muted shortcuts">
              快捷键 Shortcuts: a 通过 approve · r 拒绝 reject · n 下一个 next · / 字段 focus field · + − 缩放
              zoom · o 旋转 rotate
            </p>
          </form>
          {props.view.reviewed ? (
            <form method="post" action={`/review/cases/${encodeURIComponent(v.id)}/fixture`} class="promote">
              <input type="hidden" name="_csrf" value={props.viewer.csrfToken} />
              <h2>加入样例 Add to fixtures</h2>
              <p class="muted">
                姓名与证件号会替换为合成值；图片仍显示真人，默认存为私有（不入库）。Names and ID numbers are
                replaced by synthetic ones; the image still shows the real person, so the case is private
                (git-ignored) unless you tick the box.
              </p>
              <label>
                <input type="checkbox" name="public" value="yes" /> 图片中没有真实人员（合成文件）The image
                shows no real person (synthetic document)
              </label>
              <button type="submit">导出 Export case</button>
            </form>
          ) : null}
        </section>
      </div>
    </Layout>
  );
}

export function MetricsPage(props: { viewer: Viewer; metrics: ReviewMetrics }) {
  const m = props.metrics;
  return (
    <Layout title="Metrics" viewer={props.viewer}>
      <h1>团队指标 Team metrics</h1>
      <p>
        <a href="/v1/review/metrics">JSON</a> (Bearer reviewer key)
      </p>
      <dl class="facts metrics">
        <dt>队列长度 Queue size</dt>
        <dd id="metric-queue-size">{m.queueSize}</dd>
        <dt>最久等待 Oldest case</dt>
        <dd>{m.oldestCaseAgeSeconds === null ? '—' : formatAge(m.oldestCaseAgeSeconds * 1000)}</dd>
        <dt>已复核 Reviewed cases</dt>
        <dd>{m.reviewedCases}</dd>
        <dt>机审一致率 Machine–reviewer agreement</dt>
        <dd id="metric-agreement">
          {m.agreement === null ? '—' : `${Math.round(m.agreement * 1000) / 10}%`}
        </dd>
      </dl>
      <h2>各字段更正次数 Corrections per field</h2>
      {m.correctionsPerField.length === 0 ? (
        <p class="muted">暂无 None yet</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>类型 Type</th>
              <th>字段 Field</th>
              <th>更正 Corrections</th>
            </tr>
          </thead>
          <tbody>
            {m.correctionsPerField.map((row) => (
              <tr>
                <td>{row.documentType}</td>
                <td>
                  {FIELD_LABELS_ZH[row.field] ?? ''} <code>{row.field}</code>
                </td>
                <td>{row.corrections}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

const fixtureHref = (f: Pick<FixtureSummary, 'scope' | 'caseId'>) =>
  `/review/fixtures/${f.scope}/${encodeURIComponent(f.caseId)}`;

export function FixturesPage(props: { viewer: Viewer; fixtures: FixtureSummary[]; root: string }) {
  return (
    <Layout title="Fixtures" viewer={props.viewer}>
      <h1>评测样例 Fixture cases</h1>
      <p class="muted">
        {props.root} — {props.fixtures.length} 个 cases (private = git-ignored)
      </p>
      <table>
        <thead>
          <tr>
            <th>案例 Case</th>
            <th>范围 Scope</th>
            <th>类别 Kind</th>
            <th>类型 Type</th>
            <th>结论 Verdict</th>
          </tr>
        </thead>
        <tbody>
          {props.fixtures.map((f) => (
            <tr>
              <td>
                <a href={fixtureHref(f)}>{f.caseId}</a>
              </td>
              <td>{f.scope}</td>
              <td>{f.expected.kind}</td>
              <td>{f.expected.documentType}</td>
              <td>{f.expected.verdict}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

export function FixtureEditPage(props: {
  viewer: Viewer;
  fixture: FixtureSummary;
  banner?: { kind: 'ok' | 'error' | 'conflict'; text: string } | undefined;
}) {
  const { fixture } = props;
  return (
    <Layout title={`Fixture ${fixture.caseId}`} viewer={props.viewer}>
      <h1>
        样例 Fixture <code>{fixture.caseId}</code> <span class="muted">({fixture.scope})</span>
      </h1>
      {props.banner ? (
        <p class={`banner ${props.banner.kind}`} role="alert" id="fixture-banner">
          {props.banner.text}
        </p>
      ) : null}
      <form method="post" action={fixtureHref(fixture)}>
        <input type="hidden" name="_csrf" value={props.viewer.csrfToken} />
        <input type="hidden" name="version" value={fixture.version} />
        <table class="fields">
          <tbody>
            {Object.entries(fixture.expected.fields).map(([name, value]) => (
              <tr>
                <th>
                  <label for={`field-${name}`}>
                    {FIELD_LABELS_ZH[name] ?? ''} <code>{name}</code>
                  </label>
                </th>
                <td>
                  <input
                    id={`field-${name}`}
                    name={`field.${name}`}
                    class="field-input"
                    value={value === null ? '' : String(value)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <label>
          期望结论 Expected verdict
          <select name="verdict">
            {VERDICTS.map((verdict) => (
              <option value={verdict} selected={fixture.expected.verdict === verdict}>
                {VERDICT_LABELS[verdict]}
              </option>
            ))}
          </select>
        </label>
        <div class="actions">
          <button type="submit">保存 Save</button>
          <a href="/review/fixtures">← 返回 Back</a>
        </div>
      </form>
    </Layout>
  );
}
