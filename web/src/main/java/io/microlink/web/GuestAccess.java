package io.microlink.web;

/** What tailnet callers other than the node owner's user may do with the web page and API. */
public enum GuestAccess {
    /** Nothing: every request is refused with 403 (the default). */
    NONE,
    /** Look at every page and read the API; every change is refused with 403. */
    READ_ONLY
}
