import { Layout, type Viewer } from './layout.js';

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
