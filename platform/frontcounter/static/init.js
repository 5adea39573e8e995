import { initAll } from '/govuk/govuk-frontend.min.js'
initAll()

// GOV.UK Frontend's conditional reveals put aria-expanded on radios, an attribute ARIA does not allow on a
// radio (axe: aria-allowed-attr, WCAG 4.1.2). The revealed questions follow their radio and stay linked to
// it by aria-controls, so the state is dropped each time GOV.UK Frontend sets it (on start and on clicks).
const dropRadioExpanded = () => {
  document.querySelectorAll('input[type="radio"][aria-expanded]').forEach((input) => input.removeAttribute('aria-expanded'))
}
dropRadioExpanded()
document.addEventListener('click', dropRadioExpanded)
window.addEventListener('pageshow', dropRadioExpanded)
