// lessonpack preview: after each save, swap in the new pages and problems without
// reloading the page (so the scroll position stays). The server sends plain data over
// server-sent events; lesson text is only ever inserted with textContent.
"use strict";

(() => {
  const body = document.body;
  if (!("EventSource" in window)) return;

  if (body.dataset.channel === "index") {
    const source = new EventSource("/events?target=index");
    source.addEventListener("catalog", () => location.reload());
    return;
  }
  const target = body.dataset.target;
  if (!target) return;

  const paper = body.dataset.paper;
  const status = document.getElementById("status");
  let version = Number(body.dataset.version);
  let queue = Promise.resolve();

  const url = `/events?target=${encodeURIComponent(target)}&paper=${encodeURIComponent(paper)}`;
  const source = new EventSource(url);
  const onState = (event) => {
    const state = JSON.parse(event.data);
    queue = queue.then(() => apply(state)).catch(() => location.reload());
  };
  source.addEventListener("state", onState);
  source.addEventListener("building", onState);
  source.addEventListener("gone", () => {
    say("This lesson was moved or deleted. Go back to the list of lessons.", "failed");
  });
  source.addEventListener("error", () => {
    say("Lost the connection to lessonpack serve; trying again (is it still running?)", "failed");
  });

  async function apply(state) {
    if (state.version !== undefined && state.version !== version) {
      const names = state.documents.map((d) => d.name).join(" ");
      if (names !== body.dataset.documents) {
        location.reload(); // other documents than the page was made for
        return;
      }
      document.getElementById("title").textContent = state.title;
      document.title = `${state.title} · lessonpack preview`;
      showProblems(state);
      await showDocuments(state.documents);
      version = state.version;
      body.dataset.version = String(version);
    }
    if (state.building) say("Updating…", "busy");
    else if (state.failed) say("Could not build: see the problems below.", "failed");
    else if (state.seconds >= 0.1) say(`Up to date · built in ${state.seconds} s`, "ok");
    else if (state.seconds !== undefined) say("Up to date", "ok");
  }

  function say(text, kind) {
    status.textContent = text;
    status.dataset.kind = kind;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function plural(count, word) {
    return `${count} ${word}${count === 1 ? "" : "s"}`;
  }

  function showProblems(state) {
    const section = document.getElementById("problems");
    section.replaceChildren();
    const problems = state.problems;
    section.hidden = problems.length === 0;
    const errors = problems.filter((p) => p.severity === "error").length;
    const warnings = problems.length - errors;
    section.classList.toggle("has-errors", errors > 0);
    if (!problems.length) return;
    let heading = errors ? `${plural(errors, "problem")} to fix` : plural(warnings, "warning");
    if (errors && warnings) heading += `, ${plural(warnings, "warning")}`;
    const title = element("h2", "", heading);
    title.id = "problems-heading";
    section.append(title);
    if (state.failed) {
      const kept = state.documents.length ? "The pages below are from the last time it built. " : "";
      section.append(
        element("p", "note", `${kept}Fix the file and save: the preview updates by itself.`),
      );
    }
    const list = element("ol");
    for (const problem of problems) {
      const item = element("li", problem.severity);
      const line = element("p");
      line.append(
        element("span", "where", problem.where), " ",
        element("span", "severity", problem.severity), " ",
        element("span", "message", problem.message),
      );
      item.append(line);
      if (problem.context.length) {
        const pre = element("pre", "context");
        for (const quoted of problem.context) {
          const row = element("span", quoted.at ? "at" : "line");
          row.append(element("span", "number", String(quoted.number)), `${quoted.text}\n`);
          pre.append(row);
        }
        item.append(pre);
      }
      list.append(item);
    }
    section.append(list);
  }

  async function showDocuments(documents) {
    const waits = [];
    for (const section of document.querySelectorAll("section.document[data-document]")) {
      const doc = documents.find((d) => d.name === section.dataset.document);
      section.querySelector(".count").textContent = plural(doc.pages.length, "page");
      const pages = section.querySelector(".pages");
      const figures = [...pages.querySelectorAll("figure.page")];
      doc.pages.forEach((page, index) => {
        let figure = figures[index];
        if (!figure) {
          figure = element("figure", "page");
          const img = element("img");
          img.loading = "lazy";
          figure.append(img, element("figcaption"));
          pages.append(figure);
        }
        const img = figure.querySelector("img");
        const number = `${index + 1} of ${doc.pages.length}`;
        img.alt = `${doc.label}, page ${number}`;
        figure.querySelector("figcaption").textContent = `Page ${number}`;
        if (img.getAttribute("src") !== page.src) waits.push(swap(img, page));
      });
      figures.slice(doc.pages.length).forEach((figure) => figure.remove());
    }
    await Promise.all(waits);
  }

  // A page on screen changes only once its new image is ready, so it never flashes
  // blank; pages further down just get their new address and load when scrolled to.
  async function swap(img, page) {
    const rect = img.getBoundingClientRect();
    const onScreen = rect.bottom > -200 && rect.top < window.innerHeight + 200;
    if (onScreen) {
      const next = new Image();
      next.src = page.src;
      await next.decode().catch(() => undefined);
    }
    img.width = page.width;
    img.height = page.height;
    img.src = page.src;
  }
})();
