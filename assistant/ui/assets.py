"""The page's CSS and the small scripts it needs (kept as strings so the package ships without data files)."""

from __future__ import annotations

# Clicks on a marker link "#cite-<turn>-<n>" in the chat, or on a source button [data-cite], become
# one "click" event of the sources component carrying {cite: "<turn>-<n>"}. One listener on the
# document (capture phase, so the chat's own link handling never opens a new tab); it calls the
# latest `trigger`, since the component may be mounted again.
CITE_JS = """
window.__cartableTrigger = trigger;
if (!window.__cartableCiteListener) {
  window.__cartableCiteListener = true;
  document.addEventListener('click', (event) => {
    const el = event.target.closest('a[href^="#cite-"], button[data-cite]');
    if (!el) return;
    event.preventDefault();
    event.stopPropagation();
    const ref = el.dataset.cite || el.getAttribute('href').slice('#cite-'.length);
    window.__cartableTrigger('click', {cite: ref});
  }, true);
}
"""

# After a passage is shown: bring it into view and give it the focus (keyboard and screen-reader users
# land on what they asked for; on a phone the panel sits below the chat).
FOCUS_PASSAGE_JS = """
() => {
  const el = document.querySelector('#passage article');
  if (el) { el.scrollIntoView({block: 'nearest'}); el.focus({preventScroll: true}); }
}
"""

CSS = """
#app-header h1 { margin-bottom: 0.2rem; }
.cartable-empty, .cartable-hint { color: var(--body-text-color-subdued); font-size: 0.95em; }
.cartable-sources ol { list-style: none; padding-left: 0; margin: 0; }
.cartable-source { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 0.5rem 0.75rem; margin-bottom: 0.5rem; }
.cartable-source-open { background: none; border: none; padding: 0; font: inherit; font-weight: 600;
  color: var(--link-text-color); text-decoration: underline; cursor: pointer; text-align: left; }
.cartable-source-open:focus-visible, #chatbot a:focus-visible, .cartable-original a:focus-visible {
  outline: 3px solid var(--color-accent); outline-offset: 2px; }
.cartable-source-meta { font-size: 0.9em; color: var(--body-text-color-subdued); overflow-wrap: anywhere; }
.cartable-snippet { margin: 0.4rem 0 0; padding-left: 0.6rem; border-left: 3px solid var(--color-accent);
  white-space: pre-wrap; max-height: 12rem; overflow: auto; overflow-wrap: anywhere; }
.cartable-passage:focus { outline: 2px solid var(--color-accent); outline-offset: 4px; }
.cartable-passage h3 { margin: 0 0 0.3rem; font-size: 1.05em; }
.cartable-context { white-space: pre-wrap; max-height: 28rem; overflow: auto; line-height: 1.5;
  overflow-wrap: anywhere; border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.6rem; }
.cartable-context mark { background: #fff1a8; color: #1b1b1b; padding: 0 0.1em; }
.cartable-safety { border: 2px solid #b42318; background: #fef3f2; color: #7a271a; border-radius: 8px;
  padding: 0.75rem 1rem; margin-bottom: 0.5rem; }
.cartable-safety a { color: #7a271a; font-weight: 700; }
.cartable-safety ul { margin: 0.3rem 0 0; }
#chatbot a[href^="#cite-"] { text-decoration: none; font-weight: 600; }
@media (min-width: 900px) {
  /* Side by side: the list scrolls so the passage below it stays in sight. */
  .cartable-sources ol { max-height: 24rem; overflow-y: auto; }
}
@media (max-width: 480px) {
  #chatbot { height: 60vh !important; }
  .cartable-context { max-height: 20rem; }
}
"""
