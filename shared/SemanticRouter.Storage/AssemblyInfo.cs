// Project shell; the storage clients land under Azure/, ModelStore/, Cache/ and Feedback/.
