/* Loaded in <head>, before the first paint: styles for "JavaScript on" apply at once. */
document.documentElement.classList.remove("no-js");
