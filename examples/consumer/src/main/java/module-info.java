/** An application on the tailnet: MicroLink's core, and the JDK's own HTTP server. */
module com.example.tailnetapp {
    requires io.microlink.core;
    requires jdk.httpserver;
}
