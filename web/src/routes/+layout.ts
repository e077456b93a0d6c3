// A live screen of one browser: everything renders on the client, which holds the socket.
export const ssr = false;
