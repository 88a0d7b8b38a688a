// The web app manifest: Dialtone installs as an app on phones and desktops.
import type { MetadataRoute } from "next";

export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Dialtone",
    short_name: "Dialtone",
    description: "Self-hosted video calling",
    start_url: "/",
    display: "standalone",
    background_color: "#0b1120",
    theme_color: "#0f766e",
    icons: [
      { src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
      { src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "maskable" },
    ],
  };
}
