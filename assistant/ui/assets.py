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
  if (!el) return;
  el.scrollIntoView({block: 'nearest'});
  el.focus({preventScroll: true});
  // The cited lines may sit far down a long passage: bring the first one to the top of its box.
  const box = el.querySelector('.cartable-context'), mark = el.querySelector('.cartable-context mark');
  if (box && mark) box.scrollTop += mark.getBoundingClientRect().top - box.getBoundingClientRect().top - 16;
}
"""

# A new answer is shown from its top (the sheet's title, not its last lines): Gradio's autoscroll is off
# (`autoscroll=False`), and while an answer arrives its first line is kept at the top of the chat's
# scroll box, and the chat (or the safety banner above it) in the window, until the reader scrolls or
# clicks. Run once per page (launch's `js`).
SCROLL_ANSWER_JS = """
() => {
  if (window.__cartableScrollObserver) return;
  let seen = 0, pinned = false;
  const box = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowY;
      if ((overflow === 'auto' || overflow === 'scroll') && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  };
  for (const type of ['wheel', 'touchmove', 'keydown', 'mousedown']) {
    window.addEventListener(type, () => { pinned = false; }, {passive: true, capture: true});
  }
  window.__cartableScrollObserver = new MutationObserver(() => {
    const chat = document.querySelector('#chatbot');
    if (!chat) return;
    const bots = chat.querySelectorAll('[data-testid="bot"]');
    if (bots.length > seen) pinned = true;
    seen = bots.length;
    if (!pinned || !bots.length) return;
    const answer = bots[bots.length - 1];
    const scroller = box(answer);
    if (!scroller) return;
    // In the window: the safety banner when there is one (it leads), else the chat, from its top.
    const banner = document.querySelector('#safety-banner .cartable-safety');
    const lead = banner && banner.offsetParent ? banner : scroller;
    if (lead.getBoundingClientRect().top < 0) lead.scrollIntoView({block: 'start'});
    // In the chat: the question above the answer too, when short enough to leave most room to the answer.
    const users = chat.querySelectorAll('[data-testid="user"]');
    const question = users[users.length - 1];
    let top = answer.getBoundingClientRect().top;
    if (question && question.compareDocumentPosition(answer) & Node.DOCUMENT_POSITION_FOLLOWING) {
      const questionTop = question.getBoundingClientRect().top;
      if (top - questionTop < scroller.clientHeight * 0.3) top = questionTop;
    }
    const offset = top - scroller.getBoundingClientRect().top - 8;
    if (Math.abs(offset) > 1) scroller.scrollTop += offset;
  });
  window.__cartableScrollObserver.observe(document.body, {childList: true, subtree: true, characterData: true});
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
  max-height: 12rem; overflow: auto; overflow-wrap: anywhere; }
/* Documents' own Markdown, rendered: headings stay at text size inside the panels. */
.cartable-md > :first-child { margin-top: 0; }
.cartable-md > :last-child { margin-bottom: 0; }
.cartable-md p, .cartable-md ul, .cartable-md ol, .cartable-md table, .cartable-md pre { margin: 0.3rem 0; }
/* Gradio's prose styles shrink lists: documents' lists keep the text's size. */
:is(#sources, #passage) .cartable-md :is(p, ul, ol, li, td, th) { font-size: inherit; line-height: 1.45; }
.cartable-snippet.cartable-md { font-size: 0.95em; }
.cartable-md ul, .cartable-md ol { padding-left: 1.3rem; }
.cartable-md h1, .cartable-md h2, .cartable-md h3, .cartable-md h4, .cartable-md h5, .cartable-md h6 {
  font-size: 1em; font-weight: 700; margin: 0.5rem 0 0.2rem; }
.cartable-md pre { white-space: pre-wrap; }
.cartable-safety-details { font-size: 0.9em; }
.cartable-passage:focus { outline: 2px solid var(--color-accent); outline-offset: 4px; }
.cartable-passage h3 { margin: 0 0 0.3rem; font-size: 1.05em; }
.cartable-context { max-height: 28rem; overflow: auto; line-height: 1.5;
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
