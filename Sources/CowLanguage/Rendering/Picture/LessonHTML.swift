/// The page of a `Lesson`: one HTML file with its CSS, JavaScript and pictures inline (no network,
/// works from `file://`). The script is on the left with the current statement highlighted; on
/// the right the picture of the machine after it (what changed outlined in red), the output it
/// printed, and its questions with the answers behind a click. Buttons, the arrow keys (Left,
/// Right, Home, End) and a slider step through it; `#step=K` in the URL opens step K.
///
/// Everything from the script is HTML-escaped (`LessonHTML.escaped`) or, inside the data the page
/// script reads, JSON-escaped with `<`, `>` and `&` as `\u003c`... so no text can close the
/// `<script>` element. Pictures are stored once each and referenced by index from the steps; each
/// is a list of indices into one table of distinct SVG lines (consecutive pictures share most).
///
/// Elements the browser test reads: `#counter` ("Step K of N"), `li.line.current` (`id="L12"`
/// for line 12), `#picture path.arrow.to-shared` (arrows into frames mapped more than once).
public struct LessonHTML {
    let lesson: Lesson

    public init(_ lesson: Lesson) { self.lesson = lesson }

    public func document() -> String {
        var s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        s += "<meta name=\"generator\" content=\"cowsim \(CowsimVersion.number)\">\n"
        s += "<title>cowsim lesson: \(Self.escaped(lesson.name))</title>\n<style>\n\(Self.css)</style>\n</head>\n<body>\n"
        s += "<header><h1>\(Self.escaped(lesson.name))</h1>\n<nav class=\"controls\">"
        s += "<button id=\"first\" title=\"first step (Home)\">&#xAB; First</button>"
        s += "<button id=\"prev\" title=\"previous step (Left arrow)\">&#x25C0; Back</button>"
        s += "<span id=\"counter\">Step 1 of \(lesson.steps.count)</span>"
        s += "<button id=\"next\" title=\"next step (Right arrow)\">Next &#x25B6;</button>"
        s += "<button id=\"last\" title=\"last step (End)\">Last &#xBB;</button>"
        s += "<input type=\"range\" id=\"slider\" min=\"1\" max=\"\(max(lesson.steps.count, 1))\" value=\"1\" aria-label=\"step\">"
        s += "</nav></header>\n<main>\n<section id=\"script\"><h2>Script</h2><ol class=\"source\">\n"
        for (k, line) in lesson.lines.enumerated() {
            s += "<li class=\"line\" id=\"L\(k + 1)\"><span class=\"number\">\(k + 1)</span><code>\(Self.escaped(line))</code></li>\n"
        }
        s += "</ol></section>\n<section id=\"state\"><h2>After this step</h2>\n<div id=\"picture\"></div>\n"
        s += "<h2>Output</h2>\n<pre id=\"output\"></pre>\n<div id=\"questions\"></div>\n"
        if let error = lesson.error {
            s += "<p class=\"error\">The script stopped with an error; the lesson ends there.</p><pre class=\"error\">\(Self.escaped(error))</pre>\n"
        }
        s += "</section>\n</main>\n"
        s += "<footer>Made by <code>cowsim html</code>. Keys: &#x2190; &#x2192; step, Home / End. Outlined in red: what the step changed. Questions: click to see the answer.</footer>\n"
        s += "<script>\nconst LESSON = " + data() + ";\n" + Self.script + "</script>\n</body>\n</html>\n"
        return s
    }

    /// The lesson as a JavaScript object literal (JSON).
    private func data() -> String {
        var s = "{\"steps\":["
        for (k, step) in lesson.steps.enumerated() {
            if k > 0 { s += "," }
            s += "{\"first\":\(step.firstLine),\"last\":\(step.lastLine),\"picture\":\(step.picture),\"shared\":\(step.arrowsToShared)"
            s += ",\"failed\":\(step.failed),\"output\":\(Self.scriptString(step.output)),\"questions\":[\(step.questions.map(String.init).joined(separator: ","))]}"
            s += "\n"
        }
        // Pictures as lists of line numbers into one table of distinct lines: consecutive
        // pictures share most of their elements, so a long lesson stores each element once.
        var partIndex: [Substring: Int] = [:]
        var parts: [Substring] = []
        var encoded: [String] = []
        for picture in lesson.pictures {
            var indices: [String] = []
            for line in picture.split(separator: "\n") {
                if let known = partIndex[line] {
                    indices.append(String(known))
                } else {
                    partIndex[line] = parts.count
                    indices.append(String(parts.count))
                    parts.append(line)
                }
            }
            encoded.append("[" + indices.joined(separator: ",") + "]")
        }
        s += "],\"parts\":["
        s += parts.map { Self.scriptString(String($0)) }.joined(separator: ",\n")
        s += "],\"pictures\":["
        s += encoded.joined(separator: ",\n")
        s += "],\"questions\":["
        for (k, q) in lesson.questions.enumerated() {
            if k > 0 { s += "," }
            s += "{\"heading\":\(Self.scriptString(q.heading)),\"choices\":[\(q.choiceLines.map(Self.scriptString).joined(separator: ","))]"
            s += ",\"answer\":\(Self.scriptString(q.answerText)),\"hint\":\(q.hint.map(Self.scriptString) ?? "null")}"
        }
        s += "]}"
        return s
    }

    /// Text as HTML character data or attribute value.
    public static func escaped(_ text: String) -> String { Markup.escaped(text, keepingNewlines: true) }

    /// A JSON string literal safe inside the page's `<script>` (`JSON.quote`, script-safe).
    static func scriptString(_ text: String) -> String { JSON.quote(text, insideScript: true) }

    static let css = """
        :root { --current: #fff1a8; --border: #c8c8c8; }
        body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1d; background: #fbfbfb; }
        header { position: sticky; top: 0; z-index: 2; background: #20304a; color: #fff; padding: 8px 16px; display: flex; flex-wrap: wrap; align-items: center; gap: 16px; }
        header h1 { font-size: 18px; margin: 0; font-family: ui-monospace, monospace; }
        .controls { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
        .controls button { font-size: 15px; padding: 4px 10px; border-radius: 4px; border: 1px solid #8aa; background: #f4f7fb; cursor: pointer; }
        .controls button:disabled { opacity: 0.4; cursor: default; }
        #counter { font-weight: bold; min-width: 9em; text-align: center; }
        #slider { width: 260px; }
        main { display: grid; grid-template-columns: minmax(280px, 38%) 1fr; gap: 16px; padding: 12px 16px; }
        h2 { font-size: 15px; margin: 8px 0; color: #444; text-transform: uppercase; letter-spacing: 0.04em; }
        #script { max-height: calc(100vh - 90px); overflow: auto; position: sticky; top: 60px; align-self: start; }
        ol.source { list-style: none; margin: 0; padding: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; background: #fff; border: 1px solid var(--border); }
        li.line { display: flex; white-space: pre-wrap; padding: 1px 6px; cursor: pointer; }
        li.line .number { color: #999; min-width: 3em; text-align: right; padding-right: 10px; user-select: none; }
        li.line.done { color: #555; }
        li.line.current { background: var(--current); color: #000; font-weight: bold; outline: 1px solid #e0c200; }
        #picture { overflow: auto; background: #fff; border: 1px solid var(--border); }
        #picture svg { display: block; max-width: 100%; height: auto; }
        #picture .changed rect, #picture path.changed { filter: drop-shadow(0 0 3px #d62728); }
        #output { background: #111; color: #e8e8e8; padding: 8px 10px; white-space: pre-wrap; min-height: 1.2em; font-size: 13px; }
        #output:empty::before { content: "(no output)"; color: #888; }
        .question { border: 1px solid var(--border); background: #fff; padding: 6px 10px; margin: 8px 0; }
        .question summary { cursor: pointer; font-weight: bold; }
        .question .answer { color: #0a6b2d; font-weight: bold; }
        .error { color: #b00020; }
        footer { padding: 8px 16px 24px; color: #666; font-size: 13px; }
        @media (max-width: 800px) { main { grid-template-columns: 1fr; } #script { position: static; max-height: 40vh; } }

        """

    static let script = """
        (function () {
          "use strict";
          var steps = LESSON.steps, total = steps.length, current = 0, marked = [];
          var $ = function (id) { return document.getElementById(id); };
          function clamp(k) { return Math.max(0, Math.min(total - 1, k)); }
          function show(k) {
            if (total === 0) { $("counter").textContent = "Step 0 of 0"; return; }
            current = clamp(k);
            var step = steps[current];
            marked.forEach(function (el) { el.classList.remove("current"); });
            marked = [];
            for (var n = step.first; n <= step.last; n++) {
              var line = $("L" + n);
              if (line) { line.classList.add("current"); marked.push(line); }
            }
            var lines = document.querySelectorAll("li.line");
            for (var i = 0; i < lines.length; i++) { lines[i].classList.toggle("done", i + 1 < step.first); }
            if (marked.length) {
              var box = $("script"), top = marked[0].offsetTop;
              if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - 40) { box.scrollTop = top - box.clientHeight / 3; }
            }
            $("counter").textContent = "Step " + (current + 1) + " of " + total;
            $("slider").value = String(current + 1);
            $("picture").innerHTML = LESSON.pictures[step.picture].map(function (k) { return LESSON.parts[k]; }).join("\\n");
            $("output").textContent = step.output;
            var qs = $("questions");
            qs.textContent = "";
            step.questions.forEach(function (index) {
              var q = LESSON.questions[index];
              var d = document.createElement("details");
              d.className = "question";
              var s = document.createElement("summary");
              s.textContent = q.heading;
              d.appendChild(s);
              q.choices.forEach(function (c) { var p = document.createElement("div"); p.textContent = c; d.appendChild(p); });
              var a = document.createElement("p");
              a.innerHTML = "Answer: <span class=\\"answer\\"></span>";
              a.lastChild.textContent = q.answer;
              d.appendChild(a);
              if (q.hint !== null) { var h = document.createElement("p"); h.textContent = "Hint: " + q.hint; d.appendChild(h); }
              qs.appendChild(d);
            });
            $("first").disabled = $("prev").disabled = current === 0;
            $("last").disabled = $("next").disabled = current === total - 1;
            var wanted = "#step=" + (current + 1);
            if (location.hash !== wanted && history.replaceState) { try { history.replaceState(null, "", wanted); } catch (err) { /* some file:// settings refuse */ } }
          }
          function fromHash() {
            var m = /^#step=(\\d+)$/.exec(location.hash);
            return m ? parseInt(m[1], 10) - 1 : 0;
          }
          $("first").onclick = function () { show(0); };
          $("prev").onclick = function () { show(current - 1); };
          $("next").onclick = function () { show(current + 1); };
          $("last").onclick = function () { show(total - 1); };
          $("slider").oninput = function () { show(parseInt(this.value, 10) - 1); };
          document.addEventListener("keydown", function (e) {
            if (e.target && e.target.tagName === "INPUT") { return; }  // the slider steps by itself
            if (e.key === "ArrowRight" || e.key === "ArrowDown" || e.key === "PageDown") { show(current + 1); e.preventDefault(); }
            else if (e.key === "ArrowLeft" || e.key === "ArrowUp" || e.key === "PageUp") { show(current - 1); e.preventDefault(); }
            else if (e.key === "Home") { show(0); e.preventDefault(); }
            else if (e.key === "End") { show(total - 1); e.preventDefault(); }
          });
          document.querySelectorAll("li.line").forEach(function (li) {
            li.addEventListener("click", function () {
              var n = parseInt(li.id.slice(1), 10);
              for (var k = 0; k < total; k++) { if (steps[k].last >= n) { show(k); return; } }
            });
          });
          window.addEventListener("hashchange", function () { show(fromHash()); });
          show(fromHash());
        })();

        """
}
