import type { FixtureSummary } from '../fixtures.store.js';
import { Layout, type Viewer } from './layout.js';

export const fixtureHref = (f: Pick<FixtureSummary, 'scope' | 'caseId'>) =>
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
