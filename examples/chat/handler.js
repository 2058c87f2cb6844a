// Handlers for the chat example. They only need to exist for the example to be realistic.
exports.authorize = async (event) => ({
  principalId: "user",
  policyDocument: {
    Version: "2012-10-17",
    Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }],
  },
});
exports.connect = async () => ({ statusCode: 200 });
exports.disconnect = async () => ({ statusCode: 200 });
exports.sendMessage = async () => ({ statusCode: 200 });
exports.fallback = async () => ({ statusCode: 200, body: "unknown action" });
