import type { FixtureSummary } from '../fixtures.store.js';
import { VERDICT_LABELS, VERDICTS } from '../review.models.js';
import { FieldInput, FieldLabelCell } from './field-input.js';
import { fixtureHref } from './fixtures.page.js';
import { type Banner, Layout, type Viewer } from './layout.js';

export function FixtureEditPage(props: {
  viewer: Viewer;
  fixture: FixtureSummary;
  banner?: Banner | undefined;
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
                <FieldLabelCell name={name} />
                <td>
                  <FieldInput name={name} value={value === null ? '' : String(value)} />
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
