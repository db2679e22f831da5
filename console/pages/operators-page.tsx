import { useState, type FormEvent } from 'react';
import { OperatorRoleSchema } from '../../contract/console-api';
import { AnySchema, CreatedOperatorResponseSchema, OperatorsResponseSchema, type OperatorRole } from '../api/schemas';
import { time } from '../ui/format';
import { Badge, LoadState, Notice, Page } from '../ui/parts';
import { useSession } from '../ui/session';
import { useAction } from '../ui/use-action';
import { useLoad } from '../ui/use-load';

/** Operators (issue 17, admin only): add an account (its initial password shown once), disable, reset. */
export function OperatorsPage() {
  const { api, operator: me } = useSession();
  const state = useLoad(() => api.get('/v1/fleet/operators', OperatorsResponseSchema), 'operators');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OperatorRole>('viewer');
  const [shown, setShown] = useState<string | null>(null);
  const a = useAction();
  async function add(e: FormEvent) {
    e.preventDefault();
    setShown(null);
    if (await a.run(async () => setShown((await api.send('POST', '/v1/fleet/operators', CreatedOperatorResponseSchema, { email: email.trim(), role })).password), `Added ${email}.`)) {
      setEmail('');
      state.reload();
    }
  }
  const act = (target: string, what: 'disable' | 'reset') =>
    a.run(async () => {
      const r = await api.send('POST', `/v1/fleet/operators/${encodeURIComponent(target)}/${what}`, AnySchema);
      const pw = (r as { password?: unknown }).password;
      setShown(typeof pw === 'string' ? pw : null);
      state.reload();
    }, what === 'disable' ? `Disabled ${target}.` : `New password for ${target}.`);
  return (
    <Page title="Operators" testId="page-operators">
      <form className="inline-form card" onSubmit={add} aria-label="Add an operator">
        <label htmlFor="op-email">Email</label>
        <input id="op-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="op-role">Role</label>
        <select id="op-role" value={role} onChange={(e) => setRole(e.target.value as OperatorRole)}>
          {OperatorRoleSchema.options.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={a.busy}>
          Add
        </button>
      </form>
      <Notice notice={a.notice} />
      {shown ? (
        <p className="secret" role="status">
          Initial password, shown once (they choose their own at first login): <code data-testid="op-password">{shown}</code>
        </p>
      ) : null}
      <LoadState state={state}>
        {(d) => (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Operator accounts</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">State</th>
                  <th scope="col">Last login</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((o) => (
                  <tr key={o.email}>
                    <th scope="row" data-label="Email">{o.email}</th>
                    <td data-label="Role">{o.role}</td>
                    <td data-label="State">
                      <Badge tone={o.disabled ? 'bad' : 'ok'}>{o.disabled ? 'disabled' : o.must_change_password ? 'password to change' : 'active'}</Badge>
                      {o.totp_enabled ? <span className="small"> · TOTP</span> : null}
                    </td>
                    <td data-label="Last login">{time(o.last_login_at)}</td>
                    <td data-label="Action">
                      {o.email !== me.email ? (
                        <span className="row-buttons">
                          <button type="button" className="secondary" disabled={a.busy} onClick={() => act(o.email, 'reset')}>
                            Reset password
                          </button>
                          {!o.disabled ? (
                            <button type="button" className="danger" disabled={a.busy} onClick={() => act(o.email, 'disable')}>
                              Disable
                            </button>
                          ) : null}
                        </span>
                      ) : (
                        'you'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LoadState>
    </Page>
  );
}
