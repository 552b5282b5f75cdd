import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { mlflowHashRoute } from './app/mlflow-hash-route';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// An MLflow link (`/#/experiments/1`) becomes the same page's path before the router reads the URL.
const hashRoute = mlflowHashRoute(window.location);
if (hashRoute) window.history.replaceState(null, '', hashRoute);
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
