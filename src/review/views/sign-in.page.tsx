import { Layout } from './layout.js';

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
