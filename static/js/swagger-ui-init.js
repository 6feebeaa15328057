"use strict";
// Swagger UI's start-up at /api/docs/, as a static file: the CSP runs no inline script.
// A port of drf-spectacular's swagger_ui.js (which its template inlines), reading what that
// template wrote into the script from the data-* attributes of #swagger-ui
// (templates/drf_spectacular/swagger_ui.html).
(() => {
  const config = document.getElementById("swagger-ui").dataset;
  const swaggerSettings = JSON.parse(config.settings);
  const oauth2Config = JSON.parse(config.oauth2Config);
  const schemaAuthNames = JSON.parse(config.schemaAuthNames);
  let schemaAuthFailed = false;
  const plugins = [];

  const reloadSchemaOnAuthChange = () => {
    const reloadAfter = (ori) => (...args) => {
      schemaAuthFailed = false;
      setTimeout(() => ui.specActions.download());
      return ori(...args);
    };
    return {
      statePlugins: {
        auth: {
          wrapActions: { authorizeOauth2: reloadAfter, authorize: reloadAfter, logout: reloadAfter },
        },
      },
    };
  };

  if (schemaAuthNames.length > 0) {
    plugins.push(reloadSchemaOnAuthChange);
  }

  const uiInitialized = () => {
    try {
      ui;
      return true;
    } catch {
      return false;
    }
  };

  const isSchemaUrl = (url) => {
    if (!uiInitialized()) {
      return false;
    }
    return url === new URL(ui.getConfigs().url, document.baseURI).href;
  };

  const responseInterceptor = (response) => {
    if (!response.ok && isSchemaUrl(response.url)) {
      console.warn("schema request received '" + response.status + "'. disabling credentials for schema till logout.");
      if (!schemaAuthFailed) {
        // only retry once to prevent endless loop.
        schemaAuthFailed = true;
        setTimeout(() => ui.specActions.download());
      }
    }
    return response;
  };

  const injectAuthCredentials = (request) => {
    let authorized;
    if (uiInitialized()) {
      const state = ui.getState().get("auth").get("authorized");
      if (state !== undefined && Object.keys(state.toJS()).length !== 0) {
        authorized = state.toJS();
      }
    } else if (![undefined, "{}"].includes(localStorage.authorized)) {
      authorized = JSON.parse(localStorage.authorized);
    }
    if (authorized === undefined) {
      return;
    }
    for (const authName of schemaAuthNames) {
      const authDef = authorized[authName];
      if (authDef === undefined || authDef.schema === undefined) {
        continue;
      }
      if (authDef.schema.type === "http" && authDef.schema.scheme === "bearer") {
        request.headers["Authorization"] = "Bearer " + authDef.value;
        return;
      } else if (authDef.schema.type === "http" && authDef.schema.scheme === "basic") {
        request.headers["Authorization"] = "Basic " + btoa(authDef.value.username + ":" + authDef.value.password);
        return;
      } else if (authDef.schema.type === "apiKey" && authDef.schema.in === "header") {
        request.headers[authDef.schema.name] = authDef.value;
        return;
      } else if (authDef.schema.type === "oauth2" && authDef.token.token_type === "Bearer") {
        request.headers["Authorization"] = `Bearer ${authDef.token.access_token}`;
        return;
      }
    }
  };

  // The CSRF token of the csrftoken cookie (settings.CSRF_COOKIE_NAME, Django's default) as it is when the
  // request leaves, not the one written into the page: the page is public, so it is often opened before
  // signing in, and signing in (or out, in another tab) rotates the token, which the page's copy then
  // no longer matches (403 "CSRF token incorrect"). The page's copy is for a browser that hides the cookie.
  const CSRF_COOKIE = "csrftoken";
  const csrfToken = () => {
    const cookie = document.cookie.split("; ").find((pair) => pair.startsWith(CSRF_COOKIE + "="));
    return cookie ? decodeURIComponent(cookie.slice(CSRF_COOKIE.length + 1)) : config.csrfToken;
  };

  const requestInterceptor = (request) => {
    if (request.loadSpec && schemaAuthNames.length > 0 && !schemaAuthFailed) {
      try {
        injectAuthCredentials(request);
      } catch (e) {
        console.error("schema auth injection failed with error: ", e);
      }
    }
    // selectively omit adding headers to mitigate CORS issues.
    if (!["GET", undefined].includes(request.method) && request.credentials === "same-origin") {
      request.headers[config.csrfHeaderName] = csrfToken();
    }
    return request;
  };

  const ui = SwaggerUIBundle({
    url: config.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    plugins,
    layout: "BaseLayout",
    requestInterceptor,
    responseInterceptor,
    ...swaggerSettings,
  });

  if (Object.keys(oauth2Config).length > 0) {
    ui.initOAuth(oauth2Config);
  }
})();
