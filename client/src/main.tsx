import { render } from "preact";
import { App } from "./App";
import { session } from "./api";
import "./styles.css";

// Ask the refresh cookie whether someone is signed in while the first screen loads.
void session.start();
const root = document.getElementById("app");
if (root) render(<App />, root);
