import { LocationProvider, Route, Router } from "preact-iso";
import { Home } from "./routes/Home";
import { NotFound } from "./routes/NotFound";

/** The app shell: a header and the routed screen. */
export function App() {
  return (
    <LocationProvider>
      <header class="app-header">
        <a class="brand" href="/">
          VCME
        </a>
      </header>
      <main id="main" class="app-main">
        <Router>
          <Route path="/" component={Home} />
          <Route default component={NotFound} />
        </Router>
      </main>
    </LocationProvider>
  );
}
