// A background job's page follows its job: every few seconds it asks the server again and updates
// the status and what follows in place, without reloading, so focus and reading position stay and a
// screen reader hears the change through the status line (a live region). Without this script the
// page offers a link to look again.
document.addEventListener("DOMContentLoaded", () => {
  const state = document.getElementById("job-state");
  if (!state || !state.dataset.pollSeconds) return;
  const poll = (seconds) => window.setTimeout(async () => {
    let fresh = null;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return poll(seconds);  // a passing outage: ask again
      fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("job-state");
    } catch (error) {
      return poll(seconds);
    }
    if (!fresh) return;  // signed out meanwhile: leave the page as it is
    for (const id of ["job-status-line", "job-detail"]) {
      const here = document.getElementById(id);
      const there = fresh.querySelector(`#${id}`);
      if (here && there && here.innerHTML !== there.innerHTML) here.innerHTML = there.innerHTML;
    }
    if (fresh.dataset.pollSeconds) poll(Number(fresh.dataset.pollSeconds));
    else delete state.dataset.pollSeconds;
  }, seconds * 1000);
  poll(Number(state.dataset.pollSeconds));
});
