import { FIELD_LABELS_ZH, type ReviewMetrics } from '../review.models.js';
import { formatAge, Layout, type Viewer } from './layout.js';

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
