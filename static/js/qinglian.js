/* Qinglian's own page behaviour, kept out of the HTML so that the Content-Security-Policy
   needs no 'unsafe-inline' (integrity/settings.py, CONTENT_SECURITY_POLICY):
   - a control marked data-print prints the page;
   - a select marked data-autosubmit submits its form when changed (the language switch). */
document.addEventListener("click", function (event) {
  var control = event.target.closest("[data-print]");
  if (control) {
    event.preventDefault();
    window.print();
  }
});
document.addEventListener("change", function (event) {
  var select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) {
    select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
  }
});
