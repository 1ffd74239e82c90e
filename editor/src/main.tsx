/** The staff editor's entry: one session and one router for the page, then the app. */
import { render } from 'preact';
import { App } from './app.tsx';
import { createApi } from './api.ts';
import { createRouter } from './router.ts';
import { createSession } from './session.ts';
import './styles.css';

const session = createSession({ storage: window.sessionStorage, connect: (key) => createApi({ key }) });
const router = createRouter(window);

render(<App session={session} router={router} />, document.getElementById('app')!);
void session.restore();
