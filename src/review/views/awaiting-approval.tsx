import type { Fields } from '../../documents/document-types.js';
import { VERDICT_LABELS } from '../review.models.js';
import type { ReviewApproval } from '../review-approvals.repository.js';
import type { Viewer } from './layout.js';

/** A correction waiting for a second reviewer, with its values opened for the page. */
export interface PendingApproval {
  approval: ReviewApproval;
  fields: Fields;
  note: string | null;
}

/**
 * The proposal waiting on this case: what would change and why a second reviewer must agree.
 * Other reviewers get approve / send back (plain buttons, no shortcut keys); its proposer only
 * sees that it waits.
 */
export function AwaitingApproval(props: {
  viewer: Viewer;
  verificationId: string;
  pending: PendingApproval;
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
