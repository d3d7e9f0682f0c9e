import type { FieldEvidence } from '../../documents/document-types.js';
import type { Reason } from '../../verdicts/reasons.js';
import type { Verification } from '../../verifications/verifications.models.js';
import { VERDICT_LABELS, VERDICTS, versionOf } from '../review.models.js';
import { AwaitingApproval, type PendingApproval } from './awaiting-approval.js';
import { DOCUMENT_TYPE_LABELS } from './document-type-labels.js';
import { FieldInput, FieldLabelCell } from './field-input.js';
import { type Banner, Layout, type Viewer } from './layout.js';

export interface CaseView {
  verification: Verification;
  fieldNames: string[];
  image: { width: number; height: number } | null;
  nextCaseId: string | null;
  reviewed: boolean;
  banner?: Banner | undefined;
  /** Values the reviewer typed that were not saved (after a conflict), to copy over. */
  unsaved?: Record<string, string> | undefined;
  /** A correction waiting for a second reviewer. */
  awaitingApproval?: PendingApproval | null | undefined;
}

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
                      <FieldLabelCell name={name} />
                      <td>
                        <FieldInput
                          name={name}
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
