// Lists the API's endpoints and their form fields from openapi.json (no Swagger UI: it would load from a CDN).
"use strict";
fetch("openapi.json").then(r => r.json()).then(spec => {
  const main = document.getElementById("endpoints");
  main.textContent = "";
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const card = document.createElement("section");
      card.className = "card";
      const h = document.createElement("h2");
      h.textContent = `${method.toUpperCase()} ${path}`;
      const p = document.createElement("p");
      p.textContent = op.summary || "";
      card.append(h, p);
      const schema = op.requestBody?.content?.["multipart/form-data"]?.schema;
      if (schema) {
        const list = document.createElement("ul");
        for (const [name, field] of Object.entries(schema.properties || {})) {
          const li = document.createElement("li");
          const code = document.createElement("code");
          code.textContent = name;
          li.append(code, ` (${field.type}${field.format ? ", file" : ""}) ${field.description || ""}`);
          list.append(li);
        }
        card.append(list);
      }
      main.append(card);
    }
  }
});
