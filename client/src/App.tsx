import { useSignalEffect } from "@preact/signals";
import { ErrorBoundary, LocationProvider, lazy, Route, Router, useLocation } from "preact-iso";
import { session } from "./api";
import { Toasts } from "./components/Toasts";
import { toast } from "./components/toast-store";

// Every screen is its own chunk: the first screen downloads only what it shows.
const Home = lazy(() => import("./routes/Home").then((m) => m.Home));
const Login = lazy(() => import("./routes/Login").then((m) => m.Login));
const Signup = lazy(() => import("./routes/Signup").then((m) => m.Signup));
const History = lazy(() => import("./routes/History").then((m) => m.History));
const Settings = lazy(() => import("./routes/Settings").then((m) => m.Settings));
const Call = lazy(() => import("./routes/Call").then((m) => m.Call));
const NotFound = lazy(() => import("./routes/NotFound").then((m) => m.NotFound));

function Header() {
  const { path, route } = useLocation();
  const signedIn = session.status.value === "signed_in";
  async function logout() {
    await session.logout().catch(() => undefined);
    route("/login");
  }
  return (
    <header class="app-header">
      <a class="brand" href="/" aria-label="VCME home">
        VCME
      </a>
      {signedIn && (
        <nav class="app-nav" aria-label="Main">
          <a href="/logs" aria-current={path === "/logs" ? "page" : undefined}>
            Call history
          </a>
          <a href="/settings" aria-current={path === "/settings" ? "page" : undefined}>
            Settings
          </a>
          <button type="button" class="btn secondary small" onClick={logout}>
            Log out
          </button>
        </nav>
      )}
    </header>
  );
}

/** After a navigation, screen readers and keyboards start at the new screen, not at the old link. */
function focusMain() {
  document.getElementById("main")?.focus({ preventScroll: true });
}

function Shell() {
  const { path } = useLocation();
  useSignalEffect(() => {
    const notice = session.notice.value;
    if (!notice) return;
    toast(notice, "error", 6000);
    session.notice.value = null;
  });
  // An embedded call shows only the call: no site navigation inside someone else's page.
  const embedded = path.startsWith("/embed/");
  const narrow = path === "/login" || path === "/signup";
  return (
    <div class={embedded ? "embedded" : undefined}>
      {!embedded && (
        <a class="skip-link" href="#main">
          Skip to content
        </a>
      )}
      {!embedded && <Header />}
      <main id="main" class={narrow ? "app-main narrow" : "app-main"} tabIndex={-1}>
        <ErrorBoundary>
          <Router onRouteChange={focusMain}>
            <Route path="/" component={Home} />
            <Route path="/login" component={Login} />
            <Route path="/signup" component={Signup} />
            <Route path="/logs" component={History} />
            <Route path="/settings" component={Settings} />
            <Route path="/call/:slug" component={Call} />
            <Route path="/embed/:slug" component={Call} />
            <Route default component={NotFound} />
          </Router>
        </ErrorBoundary>
      </main>
      <Toasts />
    </div>
  );
}

/** The app: the shell around the routed screen. */
export function App() {
  return (
    <LocationProvider>
      <Shell />
    </LocationProvider>
  );
}
