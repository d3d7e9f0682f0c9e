import { type QueueFilters, type QueueItem, VERDICT_LABELS } from '../review.models.js';
import { DOCUMENT_TYPE_LABELS } from './document-type-labels.js';
import { formatAge, Layout, type Viewer } from './layout.js';

const dateInput = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : '');

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
