// The voting booth page (elections/booth.html): reads the credential and the choices, encrypts
// and signs the ballot on this device with booth-core.js, offers "audit this ballot", and casts.
// The credential is read from the field and used here only: it is never sent nor stored.
import * as core from "./booth-core.js";

const root = document.getElementById("booth");
const msg = (name) => root.dataset[`msg${name}`] || "";
const $ = (id) => document.getElementById(id);

const form = $("booth-form");
const alertBox = $("booth-alert");
const credentialField = $("credential");
const choiceInputs = [...form.querySelectorAll('input[name="choice"]')];
const encryptButton = $("encrypt");
const ballotPanel = $("ballot-panel");
const castButton = $("cast");
const auditButton = $("audit");
const auditResult = $("audit-result");
const castResult = $("cast-result");

const manifest = JSON.parse($("manifest").textContent);
const manifestHash = root.dataset.manifestHash;
const csrfToken = (root.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";

// The ballot in hand, from "Encrypt" until it is cast or audited.
let current = null;

function showAlert(text) {
  alertBox.textContent = text;
  alertBox.classList.remove("d-none");
  alertBox.focus();
}

function clearAlert() {
  alertBox.textContent = "";
  alertBox.classList.add("d-none");
}

function setFieldError(field, errorBox, text) {
  errorBox.textContent = text || "";
  errorBox.classList.toggle("d-block", Boolean(text));
  if (field) {
    field.classList.toggle("is-invalid", Boolean(text));
    field.setAttribute("aria-invalid", text ? "true" : "false");
  }
}

function selections() {
  return choiceInputs.filter((input) => input.checked).map((input) => Number(input.value));
}

function labelOf(index) {
  const label = form.querySelector(`label[for="choice-${index}"]`);
  return label ? label.textContent.trim() : String(index + 1);
}

// Anything changed after encrypting makes the ballot in hand stale.
function discardBallot() {
  current = null;
  ballotPanel.hidden = true;
}

function lockForm(locked) {
  credentialField.disabled = locked;
  choiceInputs.forEach((input) => {
    input.disabled = locked;
  });
  encryptButton.disabled = locked;
}

function rulesMatchPage() {
  return (
    manifest &&
    typeof manifest.election === "string" &&
    Array.isArray(manifest.candidates) &&
    manifest.candidates.length === choiceInputs.length &&
    core.manifestHash(manifest) === manifestHash
  );
}

function encrypt() {
  clearAlert();
  auditResult.hidden = true;
  castResult.hidden = true;
  let valid = true;
  if (core.isCredential(credentialField.value)) {
    setFieldError(credentialField, $("credential-error"), "");
  } else {
    setFieldError(credentialField, $("credential-error"), msg("Credential"));
    valid = false;
  }
  const chosen = core.selectionVector(choiceInputs.length, selections());
  const count = chosen.reduce((acc, m) => acc + m, 0);
  const countOk = count >= manifest.min_choices && count <= manifest.max_choices;
  setFieldError(null, $("choice-error"), countOk ? "" : msg("Choices"));
  if (!countOk) valid = false;
  if (!valid) {
    const problems = [core.isCredential(credentialField.value) ? "" : msg("Credential"), countOk ? "" : msg("Choices")];
    showAlert(problems.filter(Boolean).join(" "));
    return;
  }
  const label = encryptButton.innerHTML;
  encryptButton.disabled = true;
  encryptButton.textContent = msg("Encrypting");
  // Let the page paint "Encrypting…" before the maths holds the thread.
  setTimeout(() => {
    try {
      const made = core.makeBallot(manifest, manifestHash, credentialField.value, chosen);
      current = { ...made, selections: chosen };
      $("tracker").textContent = core.groupTracker(made.tracker);
      $("tracker").dataset.tracker = made.tracker;
      ballotPanel.hidden = false;
      castButton.disabled = false;
      auditButton.disabled = false;
      castButton.focus();
    } catch {
      discardBallot();
      showAlert(msg("Failed"));
    } finally {
      encryptButton.innerHTML = label;
      encryptButton.disabled = false;
    }
  }, 20);
}

function audit() {
  if (!current) return;
  clearAlert();
  const { ballot, randomness, selections: chosen } = current;
  const result = core.auditBallot(ballot, randomness, chosen, manifest, manifestHash);
  const rows = $("audit-rows");
  rows.replaceChildren(
    ...result.items.map((item) => {
      const tr = document.createElement("tr");
      const name = document.createElement("td");
      name.textContent = labelOf(item.index);
      const choice = document.createElement("td");
      choice.textContent = item.choice ? msg("Chosen") : msg("NotChosen");
      const match = document.createElement("td");
      match.textContent = item.match ? msg("Match") : msg("Mismatch");
      match.className = item.match ? "text-success" : "text-danger fw-semibold";
      tr.append(name, choice, match);
      return tr;
    }),
  );
  const status = $("audit-status");
  status.textContent = result.ok ? msg("AuditOk") : msg("AuditBad");
  status.className = result.ok ? "fw-semibold text-success" : "fw-semibold text-danger";
  $("audit-note").textContent = msg("Audited");
  $("audit-json").value = JSON.stringify(core.auditRecord(ballot, randomness, chosen), null, 2);
  // An audited ballot is spent: its randomness is now public, so it is never cast.
  discardBallot();
  auditResult.hidden = false;
  auditResult.focus();
}

async function cast() {
  if (!current) return;
  clearAlert();
  const { ballot } = current;
  castButton.disabled = true;
  auditButton.disabled = true;
  const label = castButton.innerHTML;
  castButton.textContent = msg("Sending");
  let response;
  let body = {};
  try {
    response = await fetch(root.dataset.castUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({ ballot }),
    });
    body = await response.json().catch(() => ({}));
  } catch {
    // Nothing reached the server, or the answer was lost: the same ballot may be sent again
    // (the server answers a repeat with the same tracker and adds nothing).
    castButton.innerHTML = label;
    castButton.disabled = false;
    auditButton.disabled = false;
    showAlert(msg("Network"));
    return;
  }
  castButton.innerHTML = label;
  if (!response.ok) {
    castButton.disabled = false;
    auditButton.disabled = false;
    showAlert(body.detail || msg("Server"));
    return;
  }
  const trackerHex = body.tracker || core.tracker(ballot);
  discardBallot();
  credentialField.value = "";
  lockForm(true);
  $("cast-tracker").textContent = core.groupTracker(trackerHex);
  $("cast-tracker").dataset.tracker = trackerHex;
  const lookup = new URL(body.tracker_url || root.dataset.trackerUrl, window.location.href);
  if (!body.tracker_url) lookup.searchParams.set("tracker", trackerHex);
  $("cast-lookup").href = lookup.toString();
  const replaced = $("cast-replaced");
  replaced.textContent = msg("Replaced");
  replaced.hidden = !body.replaced;
  castResult.hidden = false;
  castResult.focus();
}

if (!rulesMatchPage()) {
  lockForm(true);
  showAlert(msg("Broken"));
} else {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    encrypt();
  });
  credentialField.addEventListener("input", discardBallot);
  choiceInputs.forEach((input) => input.addEventListener("change", discardBallot));
  auditButton.addEventListener("click", audit);
  castButton.addEventListener("click", cast);
}
