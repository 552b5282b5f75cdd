/* global document, localStorage, matchMedia */
// Apply the saved theme before the first paint, so dark mode never flashes white. A file, not an
// inline script, so the UI's Content-Security-Policy can forbid inline script (script-src 'self').
try {
  const saved = localStorage.getItem('loupe.theme');
  const dark = saved ? saved === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.classList.toggle('dark', dark);
} catch {
  // Storage can be unavailable (site data blocked): the page starts in the light theme.
}
